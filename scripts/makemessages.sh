#!/usr/bin/env bash
# Extracts translatable strings into each app's own locale/sv/LC_MESSAGES/django.po
# (one catalogue per app, so work on different apps never touches the same file).
# Usage: scripts/makemessages.sh [app ...]   (default: every app under rattvag/)
set -euo pipefail
cd "$(dirname "$0")/.."
apps=("$@")
[ ${#apps[@]} -eq 0 ] && apps=($(for d in rattvag/*/; do [ -f "$d/apps.py" ] && basename "$d"; done))
for app in "${apps[@]}"; do
  dir="rattvag/$app"
  mkdir -p "$dir/locale"
  (cd "$dir" && RATTVAG_ENV=development DJANGO_SETTINGS_MODULE=config.settings.base PYTHONPATH=../.. \
    ../../.venv/bin/django-admin makemessages -l sv --no-obsolete --no-location --no-wrap -v 0)
done
