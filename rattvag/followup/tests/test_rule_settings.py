"""The unit manager's page for the unit's method rules, the service behind it, and the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rattvag.audit.models import AuditEvent
from rattvag.core.errors import PermissionRefused
from rattvag.followup.models import MethodRule, UnitRuleSetting
from rattvag.followup.services import method_rule_save, unit_rule_setting_set

LIST_URL = "/worklist/rules/"


def edit_url(unit, code="contact_plan"):
    return f"/worklist/rules/{unit.pk}/{code}/"


def test_the_manager_sees_every_rule_of_her_unit(world, login_as):
    response = login_as(world.manager).get(LIST_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-rule="') == MethodRule.objects.count()
    assert "Skriftlig kontaktplan i varje ärende" in body
    assert f'href="{edit_url(world.unit_a)}"' in body


@pytest.mark.parametrize("actor", ["caseworker", "nurse", "analyst", "partner_officer", "aggregate_viewer", "admin"])
def test_other_roles_get_404(world, login_as, actor):
    http = login_as(world.actors()[actor])
    assert http.get(LIST_URL).status_code == 404
    assert http.get(edit_url(world.unit_a)).status_code == 404


def test_another_units_rules_and_unknown_rules_are_404(world, login_as):
    http = login_as(world.manager)
    assert http.get(edit_url(world.unit_b)).status_code == 404
    assert http.get(edit_url(world.unit_a, "no-such-rule")).status_code == 404


def test_the_manager_turns_a_rule_off_and_changes_its_days(world, login_as):
    http = login_as(world.manager)
    form = http.get(edit_url(world.unit_a))
    assert form.status_code == 200
    assert form.context["form"]["param_days"].value() == 14
    response = http.post(edit_url(world.unit_a), {"param_days": "21"})
    assert response.status_code == 302
    setting = UnitRuleSetting.objects.get(unit=world.unit_a, rule__code="contact_plan")
    assert (setting.enabled, setting.parameters, setting.updated_by) == (False, {"days": 21}, world.manager)
    event = AuditEvent.objects.get(action="followup.rule_setting_changed")
    assert event.data == {"rule": "contact_plan", "enabled": False, "parameters": {"days": 21}}
    assert event.acting_unit == world.unit_a


@pytest.mark.parametrize("value", ["0", "366", "abc", ""])
def test_parameters_are_validated_and_the_form_keeps_what_was_typed(world, login_as, value):
    response = login_as(world.manager).post(edit_url(world.unit_a), {"enabled": "on", "param_days": value})
    assert response.status_code == 200
    assert response.context["form"].errors
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert f'value="{value}"' in body or value == ""
    assert not UnitRuleSetting.objects.exists()


def test_a_rule_without_parameters(world, login_as):
    response = login_as(world.manager).post(edit_url(world.unit_a, "consent_before_healthcare"), {"enabled": "on"})
    assert response.status_code == 302
    assert UnitRuleSetting.objects.get().parameters == {}


def test_the_service_refuses_others_and_bad_parameters(world):
    rule = MethodRule.objects.get(code="active_plan")
    with pytest.raises(PermissionRefused):
        unit_rule_setting_set(actor=world.caseworker, unit=world.unit_a, rule=rule, enabled=True, parameters={})
    with pytest.raises(PermissionRefused):
        unit_rule_setting_set(actor=world.manager, unit=world.unit_b, rule=rule, enabled=True, parameters={})
    with pytest.raises(ValidationError):
        unit_rule_setting_set(actor=world.manager, unit=world.unit_a, rule=rule, enabled=True, parameters={"days": 0})
    with pytest.raises(ValidationError):
        unit_rule_setting_set(actor=world.manager, unit=world.unit_a, rule=rule, enabled=True, parameters={"weeks": 3})
    with pytest.raises(ValidationError):
        unit_rule_setting_set(
            actor=world.manager, unit=world.unit_a, rule=rule, enabled=True, parameters={"days": True}
        )
    saved = unit_rule_setting_set(
        actor=world.admin, unit=world.unit_b, rule=rule, enabled=True, parameters={"days": 45}
    )
    assert saved.parameters == {"days": 45}


def test_only_administrators_change_the_rules_themselves(world):
    rule = MethodRule.objects.get(code="active_plan")
    rule.parameters = {"days": 50}
    with pytest.raises(PermissionRefused):
        method_rule_save(actor=world.manager, rule=rule)
    method_rule_save(actor=world.admin, rule=rule)
    assert MethodRule.objects.get(code="active_plan").parameters == {"days": 50}
    rule.parameters = {"days": 9999}
    with pytest.raises(ValidationError):
        method_rule_save(actor=world.admin, rule=rule)


def test_the_admin_pages(world, login_as):
    http = login_as(world.admin)
    rule = MethodRule.objects.get(code="active_plan")
    assert http.get("/admin/followup/methodrule/").status_code == 200
    page = http.get(f"/admin/followup/methodrule/{rule.pk}/change/")
    assert page.status_code == 200
    data = {
        "name_sv": rule.name_sv,
        "name_en": rule.name_en,
        "description_sv": rule.description_sv,
        "description_en": rule.description_en,
        "parameters": '{"days": 5000}',
        "enabled_by_default": "on",
        "position": "10",
    }
    response = http.post(f"/admin/followup/methodrule/{rule.pk}/change/", data)
    assert response.status_code == 200  # redisplayed with the error
    data["parameters"] = '{"days": 45}'
    response = http.post(f"/admin/followup/methodrule/{rule.pk}/change/", data)
    assert response.status_code == 302
    assert MethodRule.objects.get(pk=rule.pk).parameters == {"days": 45}
    assert AuditEvent.objects.filter(action="followup.rule_changed").count() == 1
    assert http.get("/admin/followup/methodrule/add/").status_code == 403
    assert http.get("/admin/followup/unitrulesetting/add/").status_code == 200
    assert http.get("/admin/followup/remindersent/").status_code == 200
