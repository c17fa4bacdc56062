"""Write the load test's logins to a JSON file (run with the app's .venv; locust's venv has no Django).

    RATTVAG_ENV=production ... .venv/bin/python benchmarks/load/dump_logins.py --count 50 --output logins.json

Each entry: username, password, totp_key (hex), client_ids. The logins come from the synthetic data
(`rattvag.synthetic.selectors.load_test_logins`). On a database filled by `manage.py seed_demo` instead
(`--demo`, for developing the load test before the synthetic data exists), the demo caseworkers are used:
they get a confirmed TOTP device here if they have none, since production mode does not let demo users skip 2FA.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _synthetic_logins(count: int) -> list[dict[str, Any]]:
    from rattvag.synthetic.selectors import load_test_logins

    return [
        {
            "username": login.username,
            "password": login.password,
            "totp_key": login.totp_key,
            "client_ids": list(login.client_ids),
        }
        for login in load_test_logins(count)
    ]


def _demo_logins(count: int) -> list[dict[str, Any]]:
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rattvag.accounts.models import Role, User
    from rattvag.clients.access import visible_clients
    from rattvag.core.demo import demo_logins

    logins = []
    caseworkers = [login for login in demo_logins() if login.role == Role.CASEWORKER][:count]
    with transaction.atomic():
        for login in caseworkers:
            user = User.objects.get(username=login.username)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
            client_ids = list(visible_clients(user).order_by("pk").values_list("pk", flat=True)[:200])
            logins.append(
                {
                    "username": user.username,
                    "password": login.password,
                    "totp_key": device.key,
                    "client_ids": client_ids,
                }
            )
    return logins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--output", required=True)
    parser.add_argument("--demo", action="store_true", help="use the demo caseworkers (seed_demo data)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    logins = _demo_logins(args.count) if args.demo else _synthetic_logins(args.count)
    logins = [login for login in logins if login["client_ids"]]
    if not logins:
        raise SystemExit("No login with clients found: was the data generated?")
    Path(args.output).write_text(json.dumps(logins, indent=1), encoding="utf-8")
    clients = sum(len(login["client_ids"]) for login in logins)
    print(f"{len(logins)} logins with {clients} clients written to {args.output}")


if __name__ == "__main__":
    main()
