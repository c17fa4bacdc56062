"""Fixtures for the import tests: private media in a temporary directory and a way to run an import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from rattvag.accounts.models import User
from rattvag.imports import services
from rattvag.imports.models import ImportJob


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def run_import(world: Any) -> Callable[..., ImportJob]:
    """Create and run a job synchronously (as the management command does)."""

    def _run(
        content: bytes,
        *,
        actor: User | None = None,
        unit: Any = None,
        dry_run: bool = False,
        keep_valid: bool = False,
    ) -> ImportJob:
        job = services.import_job_create(
            actor=actor or world.caseworker,
            unit=unit or world.unit_a,
            chunks=[content],
            dry_run=dry_run,
            keep_valid=keep_valid,
        )
        return services.import_job_run(job_id=job.pk)

    return _run


class TokenClient(HttpClient):
    def __init__(self, raw_token: str, **kwargs: Any) -> None:
        super().__init__(headers={"Authorization": f"Bearer {raw_token}"}, **kwargs)


@pytest.fixture
def api_as(db: None) -> Callable[[User], TokenClient]:
    from rattvag.accounts.tokens import api_token_issue

    def _as(user: User) -> TokenClient:
        _token, raw = api_token_issue(user=user, actor=user)
        return TokenClient(raw)

    return _as
