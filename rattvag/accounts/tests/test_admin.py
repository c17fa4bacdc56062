from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from rattvag.accounts.models import ApiToken, Municipality, Partner, Role, Unit, User
from rattvag.accounts.tokens import api_token_authenticate, api_token_issue
from rattvag.clients.models import AccessGrant, Case, Client

pytestmark = pytest.mark.django_db


def test_organisations_users_and_tokens_are_in_the_admin():
    for model in (Municipality, Unit, Partner, User, ApiToken):
        assert model in admin.site._registry


def test_client_data_is_not_in_the_admin():
    for model in (Client, Case, AccessGrant):
        assert model not in admin.site._registry


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_municipality_changelist",
        "admin:accounts_unit_changelist",
        "admin:accounts_partner_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_apitoken_changelist",
    ],
)
def test_admin_pages_open_for_an_administrator(world, login_as, url_name):
    response = login_as(world.admin).get(reverse(url_name))

    assert response.status_code == 200


def test_the_user_change_page_shows_the_work_fields_but_no_password_hash(world, login_as):
    response = login_as(world.admin).get(reverse("admin:accounts_user_change", args=[world.caseworker.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for name in ("role", "units", "partner", "is_demo"):
        assert f'name="{name}"' in content
    assert world.caseworker.password not in content


@pytest.mark.parametrize("actor", ["caseworker", "nurse", "manager", "analyst", "partner_officer", "aggregate_viewer"])
def test_other_roles_do_not_reach_the_admin(world, login_as, actor):
    user = world.actors()[actor]

    response = login_as(user).get(reverse("admin:accounts_apitoken_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_tokens_cannot_be_added_or_deleted_in_the_admin(world, login_as):
    token, _raw = api_token_issue(user=world.caseworker)
    http = login_as(world.admin)

    assert http.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert http.get(reverse("admin:accounts_apitoken_delete", args=[token.pk])).status_code == 403


def test_the_token_list_shows_prefix_and_not_the_digest(world, login_as):
    token, raw = api_token_issue(user=world.caseworker)

    content = login_as(world.admin).get(reverse("admin:accounts_apitoken_changelist")).content.decode()

    assert token.prefix in content
    assert token.digest not in content
    assert raw not in content


def test_the_token_page_is_read_only(world, login_as):
    token, _raw = api_token_issue(user=world.caseworker)

    content = login_as(world.admin).get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()

    assert 'name="digest"' not in content
    assert 'name="revoked_at"' not in content


def test_the_revoke_action_revokes_the_selected_tokens(world, login_as):
    first, raw1 = api_token_issue(user=world.caseworker)
    _second, raw2 = api_token_issue(user=world.nurse)

    response = login_as(world.admin).post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [first.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert api_token_authenticate(raw1) is None
    assert api_token_authenticate(raw2) == world.nurse
    first.refresh_from_db()
    assert first.revoked_at is not None


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"role": Role.PARTNER_OFFICER}, "partner"),
        ({"role": Role.PARTNER_OFFICER, "partner": "fk", "units": "unit_a"}, "units"),
        ({"role": Role.CASEWORKER, "units": "unit_a", "partner": "fk"}, "partner"),
        ({"role": Role.NURSE}, "units"),
    ],
)
def test_the_admin_refuses_a_role_without_its_organisation(world, login_as, fields, field_with_error):
    post = {"username": "ny", "usable_password": "false", "role": fields["role"]}
    if "partner" in fields:
        post["partner"] = world.fk.pk
    if "units" in fields:
        post["units"] = [world.unit_a.pk]

    response = login_as(world.admin).post(reverse("admin:accounts_user_add"), post)

    assert response.status_code == 200
    assert field_with_error in response.context["adminform"].form.errors
    assert not User.objects.filter(username="ny").exists()


def test_the_admin_adds_a_user_with_role_and_units(world, login_as):
    response = login_as(world.admin).post(
        reverse("admin:accounts_user_add"),
        {"username": "ny", "usable_password": "false", "role": Role.NURSE, "units": [world.unit_a.pk]},
    )

    assert response.status_code == 302
    user = User.objects.get(username="ny")
    assert user.role == Role.NURSE
    assert list(user.units.all()) == [world.unit_a]
    assert not user.has_usable_password()
