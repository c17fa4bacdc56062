from rattvag.meetings.tests.fixtures import (  # noqa: F401 - fixtures
    _rows_made_by_migrations,
    af,
    care_officer,
    care_unit,
    make_consent,
    panels_wired,
)
