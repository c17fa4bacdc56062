"""ASGI entry point. A server started through it runs in production mode unless told otherwise."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("RATTVAG_ENV", "production")

application = get_asgi_application()
