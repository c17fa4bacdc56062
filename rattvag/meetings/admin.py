"""Meetings and SIPs are client data: they are written through the services (audited), never in the admin."""
