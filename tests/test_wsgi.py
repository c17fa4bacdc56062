"""What the application server imports prepares each worker before its first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

_SCRIPT = """
import gc, json, sys
import config.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "views": "rattvag.outcomes.views.reports" in sys.modules,
                  "charts": "matplotlib.figure" in sys.modules}))
"""


def test_the_worker_loads_every_view_and_freezes_what_it_loaded():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "RATTVAG_"))}
    env.update(
        RATTVAG_ENV="production",
        SECRET_KEY="wsgi-test-" + "k" * 40,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL="postgres://rattvag@127.0.0.1:1/unused",  # nothing is read while starting
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", _SCRIPT], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded["views"] is True
    assert loaded["charts"] is True
    assert loaded["frozen"] > 100_000
