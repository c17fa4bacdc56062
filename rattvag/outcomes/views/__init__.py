"""The outcomes pages: the client's ladder and questionnaires, the tablet view, and the reports."""
