#!/usr/bin/env bash
# Extracts translatable strings into each app's own locale/sv/LC_MESSAGES/django.po
# (one file per app, so that work on different apps never touches the same catalogue).
set -euo pipefail
cd "$(dirname "$0")/.."
for app in rattvag/*/; do
  [ -f "$app/apps.py" ] || continue
  mkdir -p "$app/locale"
  (cd "$app" && RATTVAG_ENV=development DJANGO_SETTINGS_MODULE=config.settings.base PYTHONPATH=../.. \
    ../../.venv/bin/django-admin makemessages -l sv --no-obsolete --no-location --no-wrap -v 0)
done
