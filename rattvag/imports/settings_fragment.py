"""Settings the imports app needs; to be merged into config/settings/base.py (not imported by anything).

The background worker is django-tasks with the database backend from django-tasks-db (the
backend left django-tasks in 0.12.0): jobs are rows in the database, so a queued import survives
a page reload and a restart, and `python manage.py db_worker` runs them in its own process.
Add `django-tasks-db==0.13.0` to requirements.txt.
"""

INSTALLED_APPS_ADD = ["django_tasks", "django_tasks_db"]  # anywhere after the rattvag apps

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Optional, shown with their defaults:
RATTVAG_IMPORT_MAX_BYTES = 50 * 1024 * 1024  # largest file accepted
RATTVAG_IMPORT_INLINE_MAX_BYTES = 100 * 1024  # files up to this size are imported during the request

# config/settings/test.py: run tasks at once in the test process (tests that need the database
# backend override TASKS themselves).
TEST_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
