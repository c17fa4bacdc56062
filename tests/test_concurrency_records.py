"""No lost updates on every editable record: certificate, consent (withdraw and replace), meeting, plan, SIP
and activity. Each: two people load the same edit page; the second save shows the first person's change and
keeps what was typed; the version cannot be left out; the API answers 409 where it edits the record."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django import forms
from django.test import Client as HttpClient
from django.utils import timezone

from rattvag.accounts.tokens import api_token_issue
from rattvag.certificates import services as certificate_services
from rattvag.certificates.forms import CertificateFormSet, initial_from
from rattvag.certificates.models import Certificate
from rattvag.certificates.tests.factories import certificate_data
from rattvag.consent import services as consent_services
from rattvag.consent.models import Consent
from rattvag.meetings import services as meeting_services
from rattvag.meetings.forms import MeetingForm, SipForm
from rattvag.meetings.models import Meeting, SipVersion
from rattvag.plans import services as plan_services
from rattvag.plans.forms import PLAN_FORMS, ActivityForm
from rattvag.plans.models import Activity, ActivityType, Plan, PlanVersion

DAY = datetime.timedelta(days=1)


def post_data(*unbound: forms.Form) -> dict[str, Any]:
    """What a browser sends for forms as they were loaded (their initial values), with their prefixes."""
    data: dict[str, Any] = {}
    for form in unbound:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, datetime.date | datetime.time):
                data[key] = value.isoformat() if isinstance(value, datetime.date) else value.strftime("%H:%M")
            else:
                data[key] = "" if value is None else str(value)
    return data


def assert_conflict(response: Any, *, shows: list[str], typed: list[str], version_field: str, version: int) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="conflict"' in page, page[:2000]
    panel = page[page.index('id="conflict"') :]
    panel = panel[: panel.index("</table>")] if "</table>" in panel else panel
    for text in shows:
        assert text in panel, text
    for text in typed:
        assert text in page, text
    assert f'name="{version_field}" value="{version}"' in page
    return page


def api(user: Any) -> HttpClient:
    _token, raw = api_token_issue(user=user, actor=user)
    return HttpClient(headers={"Authorization": f"Bearer {raw}"})


# --- certificates -------------------------------------------------------------------------------


@pytest.fixture
def certificate(world) -> Certificate:
    return certificate_services.certificate_register(
        actor=world.caseworker, client=world.client_a, data=certificate_data()
    )


def _certificate_form(certificate: Certificate) -> dict[str, Any]:
    formset = CertificateFormSet(initial=initial_from(Certificate.objects.get(pk=certificate.pk)), edit=True)
    return post_data(*formset.all_forms)


def test_certificate_second_save_sees_the_first(world, login_as, certificate):
    url = f"/clients/{world.client_a.pk}/certificates/{certificate.pk}/edit/"
    loaded = _certificate_form(certificate)
    assert loaded["version"] == "1"
    first = login_as(world.manager).post(url, {**loaded, "prognosis": "unclear", "treatment": "Fysioterapi."})
    assert first.status_code == 302
    response = login_as(world.caseworker).post(url, {**loaded, "caseworker_note": "Fråga om arbetsförmågan."})
    assert_conflict(
        response,
        shows=["Prognos", "Prognosen är oklar", "Fysioterapi."],
        typed=["Fråga om arbetsförmågan."],
        version_field="version",
        version=2,
    )
    stored = Certificate.objects.get(pk=certificate.pk)
    assert (stored.prognosis, stored.caseworker_note, stored.version) == ("unclear", "", 2)


def test_certificate_rows_changed_by_the_other_are_listed(world, login_as, certificate):
    url = f"/clients/{world.client_a.pk}/certificates/{certificate.pk}/edit/"
    loaded = _certificate_form(certificate)
    moved = {**loaded, "diagnoses-0-code": "F43.2", "diagnoses-0-text": "Anpassningsstörning"}
    assert login_as(world.manager).post(url, moved).status_code == 302
    response = login_as(world.caseworker).post(url, {**loaded, "physician_name": "Dr Ek"})
    assert_conflict(response, shows=["Diagnoser", "F43.2"], typed=['value="Dr Ek"'], version_field="version", version=2)


def test_certificate_edit_needs_the_version(world, login_as, certificate):
    url = f"/clients/{world.client_a.pk}/certificates/{certificate.pk}/edit/"
    data = _certificate_form(certificate)
    del data["version"]
    response = login_as(world.caseworker).post(url, {**data, "prognosis": "unclear"})
    assert response.status_code == 200
    assert "Formuläret saknar sin version" in response.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).prognosis != "unclear"


def _certificate_body(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    body = {
        "issued_on": (today - 3 * DAY).isoformat(),
        "care_unit": {"name": "Vårdcentralen Andersberg"},
        "diagnoses": [{"code": "F32.1"}],
        "periods": [{"degree": 100, "start": (today - 3 * DAY).isoformat(), "end": (today + 26 * DAY).isoformat()}],
        "prognosis": "after_90",
    }
    body.update(overrides)
    return body


def test_certificate_api_put_and_409(world, certificate):
    url = f"/api/v1/clients/{world.client_a.pk}/certificates/{certificate.pk}"
    caseworker, manager = api(world.caseworker), api(world.manager)
    listed = caseworker.get(f"/api/v1/clients/{world.client_a.pk}/certificates").json()
    assert listed["items"][0]["version"] == 1
    saved = manager.put(url, json.dumps(_certificate_body(version=1)), content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 2
    assert saved.json()["received_on"] == certificate.received_on.isoformat()  # kept when not sent
    stale = caseworker.put(
        url, json.dumps(_certificate_body(version=1, prognosis="unclear")), content_type="application/json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert set(body) == {"message", "errors", "current"}
    assert body["current"]["prognosis"] == "after_90"
    assert body["current"]["version"] == 2
    missing = caseworker.put(url, json.dumps(_certificate_body()), content_type="application/json")
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"version"}


@pytest.mark.parametrize(
    ("actor", "status"), [("caseworker_other_unit", 404), ("partner_officer", 404), ("admin", 404)]
)
def test_certificate_api_put_access(world, certificate, actor, status):
    url = f"/api/v1/clients/{world.client_a.pk}/certificates/{certificate.pk}"
    body = json.dumps(_certificate_body(version=1, prognosis="unclear"))
    assert api(world.actors()[actor]).put(url, body, content_type="application/json").status_code == status
    assert Certificate.objects.get(pk=certificate.pk).version == 1


# --- consents -----------------------------------------------------------------------------------


@pytest.fixture
def consent(world) -> Consent:
    return consent_services.consent_record(
        actor=world.caseworker, client=world.client_a, partner=world.fk, purposes=["share_fk"], form="written"
    )


def test_consent_withdraw_after_someone_replaced_it(world, login_as, consent):
    today = timezone.localdate().isoformat()
    withdraw = {"withdrawn_on": today, "how": "written", "version": str(consent.version)}
    consent_services.consent_replace(
        actor=world.manager, consent=consent, purposes=["share_fk", "sip"], form="written", expected_version=1
    )
    response = login_as(world.caseworker).post(f"/consent/{consent.pk}/withdraw/", withdraw)
    page = assert_conflict(
        response,
        shows=["Återkallat", "Ersatt av samtycket som gavs", today],
        typed=['value="written" checked'],
        version_field="version",
        version=2,
    )
    assert "redan återkallat eller ersatt" in page
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.withdrawn_how == "replaced"


def test_consent_replace_after_someone_withdrew_it(world, login_as, consent):
    today = timezone.localdate().isoformat()
    replace = {"purposes": ["share_fk", "sip"], "form": "oral", "witnessed_by": "Kollega K", "given_on": today}
    consent_services.consent_withdraw(actor=world.manager, consent=consent, how="oral", expected_version=1)
    response = login_as(world.caseworker).post(f"/consent/{consent.pk}/replace/", {**replace, "version": "1"})
    assert_conflict(response, shows=["Muntligt"], typed=['value="Kollega K"'], version_field="version", version=2)
    assert Consent.objects.filter(client=world.client_a).count() == 1


@pytest.mark.parametrize("action", ["withdraw", "replace"])
def test_consent_pages_need_the_version(world, login_as, consent, action):
    today = timezone.localdate().isoformat()
    data = {"withdrawn_on": today, "how": "oral", "purposes": ["share_fk"], "form": "written", "given_on": today}
    response = login_as(world.caseworker).post(f"/consent/{consent.pk}/{action}/", data)
    assert response.status_code == 200
    assert "Formuläret saknar sin version" in response.content.decode()
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_consent_api_withdraw_with_an_old_version_is_409(world, consent):
    http = api(world.caseworker)
    url = f"/api/v1/consents/{consent.pk}/withdraw"
    listed = http.get(f"/api/v1/clients/{world.client_a.pk}/consents").json()
    assert listed[0]["version"] == 1
    consent_services.consent_replace(actor=world.manager, consent=consent, purposes=["share_fk"], form="written")
    response = http.post(url, json.dumps({"version": 1}), content_type="application/json")
    assert response.status_code == 409
    assert set(response.json()) == {"message", "errors"}


# --- meetings -----------------------------------------------------------------------------------


@pytest.fixture
def meeting(world) -> Meeting:
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + 3 * DAY, datetime.time(10)))
    data = meeting_services.MeetingData(kind="mapping", starts_at=starts, location="Socialkontoret, rum 4")
    return meeting_services.meeting_create(actor=world.caseworker, client=world.client_a, data=data)


def test_meeting_second_save_sees_the_first(world, login_as, meeting):
    url = f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/edit/"
    loaded = post_data(MeetingForm(initial=MeetingForm.initial_for(meeting), edit=True))
    assert loaded["version"] == "1"
    assert login_as(world.manager).post(url, {**loaded, "start_time": "13:30", "location": "Rum 9"}).status_code == 302
    response = login_as(world.caseworker).post(url, {**loaded, "decisions": "Aktiv plan skrivs."})
    assert_conflict(
        response,
        shows=["Börjar", "13:30", "Plats", "Rum 9"],
        typed=["Aktiv plan skrivs."],
        version_field="version",
        version=2,
    )
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.location, stored.decisions) == ("Rum 9", "")


def test_meeting_edit_needs_the_version(world, login_as, meeting):
    url = f"/clients/{world.client_a.pk}/meetings/{meeting.pk}/edit/"
    loaded = post_data(MeetingForm(initial=MeetingForm.initial_for(meeting), edit=True))
    del loaded["version"]
    response = login_as(world.caseworker).post(url, {**loaded, "location": "Rum 9"})
    assert "Formuläret saknar sin version" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).location != "Rum 9"


# --- plans and activities -----------------------------------------------------------------------


def _plan_data(**overrides: Any) -> plan_services.PlanData:
    values: dict[str, Any] = {"goals": "Egen försörjning.", "follow_up_on": timezone.localdate() + 30 * DAY}
    values.update(overrides)
    return plan_services.PlanData(**values)


def test_plan_new_version_from_an_outdated_one_is_refused(world, login_as):
    first = plan_services.plan_create(actor=world.caseworker, client=world.client_a, kind="active", data=_plan_data())
    url = f"/clients/{world.client_a.pk}/plans/{first.plan_id}/new-version/"
    loaded = post_data(PLAN_FORMS["active"](initial=PLAN_FORMS["active"].initial_from(first), revision=True))
    assert loaded["based_on"] == "1"
    assert login_as(world.manager).post(url, {**loaded, "goals": "Studier på komvux."}).status_code == 302
    response = login_as(world.caseworker).post(url, {**loaded, "steps": "Praktik tre dagar i veckan."})
    page = assert_conflict(
        response,
        shows=["Mål", "Studier på komvux."],
        typed=["Praktik tre dagar i veckan."],
        version_field="based_on",
        version=2,
    )
    assert "nyare version av planen" in page
    assert PlanVersion.objects.filter(plan_id=first.plan_id).count() == 2
    # Saving again, from version 2, is deliberate and adds version 3.
    again = login_as(world.caseworker).post(url, {**loaded, "steps": "Praktik.", "based_on": "2"})
    assert again.status_code == 302
    assert PlanVersion.objects.filter(plan_id=first.plan_id).count() == 3


def test_plan_revision_needs_the_version(world, login_as):
    first = plan_services.plan_create(actor=world.caseworker, client=world.client_a, kind="active", data=_plan_data())
    url = f"/clients/{world.client_a.pk}/plans/{first.plan_id}/new-version/"
    loaded = post_data(PLAN_FORMS["active"](initial=PLAN_FORMS["active"].initial_from(first), revision=True))
    del loaded["based_on"]
    response = login_as(world.caseworker).post(url, {**loaded, "goals": "Studier."})
    assert "Formuläret saknar sin version" in response.content.decode()
    assert PlanVersion.objects.count() == 1


def test_plan_api_409(world):
    http = api(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/plans"
    follow_up = (timezone.localdate() + 30 * DAY).isoformat()
    body = {"kind": "active", "goals": "Arbete.", "follow_up_on": follow_up}
    assert http.post(url, json.dumps(body), content_type="application/json").status_code == 201
    second = http.post(url, json.dumps({**body, "based_on": 1}), content_type="application/json")
    assert second.status_code == 201
    stale = http.post(url, json.dumps({**body, "goals": "Studier.", "based_on": 1}), content_type="application/json")
    assert stale.status_code == 409
    assert "nyare version av planen" in stale.json()["message"]
    assert PlanVersion.objects.count() == 2


@pytest.fixture
def activity(world) -> Activity:
    kind, _created = ActivityType.objects.get_or_create(
        code="concurrency_test", defaults={"name_sv": "Testinsats", "name_en": "Test activity"}
    )
    data = plan_services.ActivityData(type=kind, planned_on=timezone.localdate() + 7 * DAY)
    return plan_services.activity_register(actor=world.caseworker, client=world.client_a, data=data)


def test_activity_second_save_sees_the_first(world, login_as, activity):
    url = f"/clients/{world.client_a.pk}/activities/{activity.pk}/edit/"
    form = ActivityForm(
        initial=ActivityForm.initial_from(activity), edit=True, type_queryset=ActivityType.objects.all()
    )
    loaded = post_data(form)
    assert loaded["version"] == "1"
    assert login_as(world.manager).post(url, {**loaded, "note": "Bokad via AME."}).status_code == 302
    response = login_as(world.caseworker).post(url, {**loaded, "result_note": "Bra start."})
    assert_conflict(
        response, shows=["Anteckning", "Bokad via AME."], typed=["Bra start."], version_field="version", version=2
    )
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.note, stored.result_note) == ("Bokad via AME.", "")


def test_activity_edit_needs_the_version(world, login_as, activity):
    url = f"/clients/{world.client_a.pk}/activities/{activity.pk}/edit/"
    loaded = post_data(ActivityForm(initial=ActivityForm.initial_from(activity), edit=True))
    del loaded["version"]
    response = login_as(world.caseworker).post(url, {**loaded, "note": "X"})
    assert "Formuläret saknar sin version" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).note == ""


# --- the SIP ------------------------------------------------------------------------------------


def _sip_form_data(world: Any, **overrides: str) -> dict[str, Any]:
    data = {
        "client_goal": "Jag vill kunna arbeta halvtid.",
        "interventions_needed": "Arbetsträning.",
        "municipality_interventions": "",
        "region_interventions": "",
        "other_interventions": "",
        "overall_responsibility": "Socialtjänsten",
        "follow_up_on": (timezone.localdate() + 30 * DAY).isoformat(),
        "follow_up_how": "Nytt möte.",
        "meeting": "",
        "client_agreed_on": "",
        "change_note": "",
        "based_on": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sip_consent(world) -> Consent:
    return consent_services.consent_record(
        actor=world.caseworker, client=world.client_a, partner=world.fk, purposes=["sip"], form="written"
    )


def test_sip_new_version_from_an_outdated_one_is_refused(world, login_as, sip_consent):
    url = f"/clients/{world.client_a.pk}/sip/new-version/"
    caseworker, manager = login_as(world.caseworker), login_as(world.manager)
    assert caseworker.post(url, _sip_form_data(world)).status_code == 302
    page = caseworker.get(url).content.decode()
    assert 'name="based_on" value="1"' in page
    assert SipForm().fields["based_on"].required
    assert manager.post(url, _sip_form_data(world, based_on="1", client_goal="Jag vill studera.")).status_code == 302
    response = caseworker.post(url, _sip_form_data(world, based_on="1", follow_up_how="Telefonsamtal."))
    assert_conflict(
        response,
        shows=["Klientens eget mål", "Jag vill studera."],
        typed=["Telefonsamtal."],
        version_field="based_on",
        version=2,
    )
    assert SipVersion.objects.count() == 2


def test_two_people_starting_the_first_sip(world, login_as, sip_consent):
    url = f"/clients/{world.client_a.pk}/sip/new-version/"
    assert login_as(world.manager).post(url, _sip_form_data(world)).status_code == 302
    response = login_as(world.caseworker).post(url, _sip_form_data(world, client_goal="Mitt mål."))
    assert_conflict(response, shows=["Socialtjänsten"], typed=["Mitt mål."], version_field="based_on", version=1)
    assert SipVersion.objects.count() == 1


def test_sip_form_needs_the_version(world, login_as, sip_consent):
    data = _sip_form_data(world)
    del data["based_on"]
    response = login_as(world.caseworker).post(f"/clients/{world.client_a.pk}/sip/new-version/", data)
    assert "Formuläret saknar sin version" in response.content.decode()
    assert not SipVersion.objects.exists()


def test_plan_of_someone_else_is_not_reached(world, login_as):
    first = plan_services.plan_create(actor=world.caseworker, client=world.client_a, kind="active", data=_plan_data())
    url = f"/clients/{world.client_a.pk}/plans/{first.plan_id}/new-version/"
    response = login_as(world.caseworker_other_unit).post(url, {"goals": "X", "based_on": "1"})
    assert response.status_code == 404
    assert Plan.objects.get().versions.count() == 1


# --- advice in a case consultation -------------------------------------------------------------


def test_consultation_advice_second_save_sees_the_first(world, login_as):
    consent_services.consent_record(
        actor=world.caseworker, client=world.client_a, partner=world.fk, purposes=["fk_consultation"], form="written"
    )
    consultation = consent_services.consultation_create(
        actor=world.caseworker, unit=world.unit_a, held_on=timezone.localdate(), fk_officer=world.partner_officer
    )
    item = consent_services.consultation_case_raise(
        actor=world.caseworker, consultation=consultation, question="Hur går vi vidare?", client=world.client_a
    )
    url = f"/consent/consultations/{consultation.pk}/cases/{item.pk}/advice/"
    officer, caseworker = login_as(world.partner_officer), login_as(world.caseworker)
    assert 'name="version" value="1"' in caseworker.get(url).content.decode()
    assert officer.post(url, {"advice": "Ansök om sjukpenning.", "follow_up": "", "version": "1"}).status_code == 302
    typed = {"advice": "Kontakta vården.", "follow_up": "Boka trepartsmöte.", "version": "1"}
    assert_conflict(
        caseworker.post(url, typed),
        shows=["Råd som gavs", "Ansök om sjukpenning."],
        typed=["Kontakta vården.", "Boka trepartsmöte."],
        version_field="version",
        version=2,
    )
    missing = caseworker.post(url, {"advice": "Annat.", "follow_up": ""})
    assert "Formuläret saknar sin version" in missing.content.decode()
    item.refresh_from_db()
    assert (item.advice, item.follow_up, item.version) == ("Ansök om sjukpenning.", "", 2)
