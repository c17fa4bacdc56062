"""WSGI entry point. A server started through it runs in production mode unless told otherwise."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("RATTVAG_ENV", "production")

application = get_wsgi_application()

# Each worker imports every view (matplotlib, scipy, ...) as it starts rather than in its first request (about
# 1.1 s), then moves what it loaded out of reach of the cycle collector: a full collection would otherwise walk
# those ~220,000 long-lived objects again, 75-180 ms inside some report request.
get_resolver().url_patterns  # noqa: B018 - the attribute's evaluation imports the views
gc.freeze()
