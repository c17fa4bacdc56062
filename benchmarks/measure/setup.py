"""Starting Django for a benchmark run: the database, the settings, the migrations and the data."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def setup_django(workdir: Path) -> None:
    """Django with the test settings (DEBUG off, the production middleware), on DATABASE_URL or a new SQLite file.

    The test settings differ from production in a fast password hasher (nobody logs in with a password here),
    tasks run at once, and statistics computed for every request: production keeps them a few minutes
    (``RATTVAG_FIGURE_CACHE_SECONDS``), which would measure a lookup instead of the computation.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(workdir / "private_media"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    return time.perf_counter() - started


def generate(size: str, seed: int) -> float:
    """The synthetic dataset of a preset (``manage.py generate_data``), or the small sample (``--size sample``)."""
    started = time.perf_counter()
    if size == "sample":
        from .sample import build_sample

        build_sample(clients=300, seed=seed)
    else:
        from django.core.management import call_command

        call_command("generate_data", size=size, seed=seed)
    return time.perf_counter() - started
