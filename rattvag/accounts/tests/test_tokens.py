from __future__ import annotations

import datetime
import hashlib
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from rattvag.accounts.models import ApiToken
from rattvag.accounts.tokens import api_token_authenticate, api_token_issue, api_token_revoke
from rattvag.audit.models import AuditEvent
from rattvag.audit.verification import verify_chain
from rattvag.core.errors import PermissionRefused

pytestmark = pytest.mark.django_db


def test_issue_stores_only_digest_and_prefix(world):
    token, raw = api_token_issue(user=world.caseworker)

    assert len(raw) >= 43
    assert token.prefix == raw[:8]
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.values_list("prefix", "digest").get(pk=token.pk)
    assert raw not in "".join(stored)
    assert token.revoked_at is None
    assert token.last_used_at is None


def test_each_issue_gives_a_new_token(world):
    _first, raw1 = api_token_issue(user=world.caseworker)
    _second, raw2 = api_token_issue(user=world.caseworker)

    assert raw1 != raw2
    assert ApiToken.objects.filter(user=world.caseworker).count() == 2


def test_authenticate_returns_the_owner(world):
    _token, raw = api_token_issue(user=world.nurse)

    assert api_token_authenticate(raw) == world.nurse


@pytest.mark.parametrize("raw", ["", "nonsense", "x" * 500])
def test_unknown_or_malformed_tokens_give_none(world, raw):
    api_token_issue(user=world.nurse)

    assert api_token_authenticate(raw) is None


def test_a_near_miss_gives_none(world):
    _token, raw = api_token_issue(user=world.nurse)

    assert api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_a_revoked_token_gives_none(world):
    token, raw = api_token_issue(user=world.caseworker)

    api_token_revoke(token=token, actor=world.admin)

    assert api_token_authenticate(raw) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_token_of_a_deactivated_user_gives_none(world):
    _token, raw = api_token_issue(user=world.caseworker)
    world.caseworker.is_active = False
    world.caseworker.save()

    assert api_token_authenticate(raw) is None


def test_last_used_is_written_at_most_once_a_minute(world):
    token, raw = api_token_issue(user=world.caseworker)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        api_token_authenticate(raw)
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        api_token_authenticate(raw)
        token.refresh_from_db()
        assert token.last_used_at == start
    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        api_token_authenticate(raw)
        token.refresh_from_db()
        assert token.last_used_at == later


def test_a_recently_used_token_authenticates_without_a_write(world, django_assert_num_queries):
    _token, raw = api_token_issue(user=world.caseworker)
    api_token_authenticate(raw)

    with django_assert_num_queries(1):
        assert api_token_authenticate(raw) == world.caseworker


def test_owner_may_revoke_own_token_and_revoking_twice_is_harmless(world):
    token, _raw = api_token_issue(user=world.caseworker)

    api_token_revoke(token=token, actor=world.caseworker)
    first = token.revoked_at
    api_token_revoke(token=token, actor=world.caseworker)

    assert token.revoked_at == first
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_others_may_not_revoke(world):
    token, raw = api_token_issue(user=world.caseworker)

    with pytest.raises(PermissionRefused):
        api_token_revoke(token=token, actor=world.caseworker_other_unit)

    assert api_token_authenticate(raw) == world.caseworker


def test_issue_and_revoke_are_audited_without_the_token(world):
    token, raw = api_token_issue(user=world.caseworker)
    api_token_revoke(token=token, actor=world.admin)

    events = AuditEvent.objects.filter(action__startswith="api_token.").order_by("id")
    assert [e.action for e in events] == ["api_token.issued", "api_token.revoked"]
    assert all(raw not in str(e.data) and token.digest not in str(e.data) for e in events)
    assert events[1].actor == world.admin
    assert verify_chain().ok


def test_command_prints_the_token_and_nothing_else(world):
    out, err = StringIO(), StringIO()

    call_command("issue_api_token", "caseworker", stdout=out, stderr=err)

    raw = out.getvalue().strip()
    assert out.getvalue() == raw + "\n"
    assert err.getvalue() == ""
    assert api_token_authenticate(raw) == world.caseworker


def test_command_fails_for_an_unknown_user(world):
    out = StringIO()

    with pytest.raises(CommandError) as exc_info:
        call_command("issue_api_token", "nobody", "--language", "en", stdout=out)

    assert exc_info.value.returncode == 1
    assert str(exc_info.value) == 'There is no user "nobody".'
    assert out.getvalue() == ""
    assert not ApiToken.objects.exists()


def test_command_fails_for_a_deactivated_user(world):
    world.nurse.is_active = False
    world.nurse.save()

    with pytest.raises(CommandError, match="inaktiverad"):
        call_command("issue_api_token", "nurse", stdout=StringIO())

    assert not ApiToken.objects.exists()
