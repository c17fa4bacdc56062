#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: postgresql, chromium,
# gettext, node. Only `apt-get` from Debian's registry; nothing is downloaded otherwise.
set -euo pipefail

missing=()
for what in "$@"; do
  case "$what" in
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) ;;
    chromium) command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core) ;;
    gettext) command -v msgfmt >/dev/null || missing+=(gettext) ;;
    node) command -v npm >/dev/null || missing+=(nodejs npm) ;;
    pango) ldconfig -p | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) ;;
    *) echo "unknown dependency: $what" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
