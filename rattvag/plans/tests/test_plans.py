"""Plans and activities: versions (a new save never changes an earlier one), validation, the client's
agreement, PDF, the catalogue, pages and panel, audit, and 404 for everyone who may not see them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.core.errors import Conflict, PermissionRefused
from rattvag.meetings.tests.fixtures import OUTSIDERS, WRITERS, pdf_text
from rattvag.plans import services
from rattvag.plans.models import Activity, ActivityCode, ActivityType, Plan, PlanVersion

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def active_data(**overrides):
    data = {
        "goals": "Egen försörjning genom arbete på deltid.",
        "steps": "Arbetsträning, sedan arbetsprövning.",
        "responsible": "Handläggaren",
        "starts_on": today(),
        "ends_on": today() + 180 * DAY,
        "follow_up_on": today() + 30 * DAY,
    }
    data.update(overrides)
    return services.PlanData(**data)


def contact_data(**overrides):
    data = {"contact_frequency": "every_second_week", "contact_how": "Besök på kontoret."}
    data.update(overrides)
    return services.PlanData(**data)


def write_active(world, **overrides):
    return services.plan_create(
        actor=world.caseworker, client=world.client_a, kind="active", data=active_data(**overrides)
    )


# --- services -----------------------------------------------------------------------------------


def test_catalogue_is_seeded_in_both_languages():
    codes = set(ActivityType.objects.values_list("code", flat=True))
    assert {
        ActivityCode.PREPARATORY,
        ActivityCode.WORK_REHABILITATION,
        ActivityCode.DEEPER_MAPPING_AME,
        ActivityCode.WORK_CAPACITY_ASSESSMENT,
        ActivityCode.MOTIVATIONAL_INTERVIEWING,
        ActivityCode.COORDINATED_REHABILITATION_FK,
        ActivityCode.SICKNESS_BENEFIT_APPLICATION,
        ActivityCode.DISABILITY_BENEFIT_APPLICATION,
    } <= codes
    assessment = ActivityType.objects.get(code=ActivityCode.WORK_CAPACITY_ASSESSMENT)
    assert assessment.name_sv == "Arbetsförmågebedömning via AMC"
    from django.utils import translation

    with translation.override("en"):
        assert assessment.name == "Work-capacity assessment via AMC"


def test_active_plan_and_a_second_version_keeps_the_first(world):
    first = write_active(world)
    assert first.number == 1
    assert first.plan.case == world.case_a
    second = services.plan_revise(
        actor=world.nurse, plan=first.plan, data=active_data(goals="Studier.", change_note="Nytt mål")
    )
    assert second.number == 2
    first.refresh_from_db()
    assert first.goals == "Egen försörjning genom arbete på deltid."
    assert PlanVersion.objects.count() == 2
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["plan.created", "plan.version_saved", "plan.version_saved"]
    assert "försörjning" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_one_open_plan_per_kind(world):
    write_active(world)
    with pytest.raises(Conflict):
        write_active(world)
    contact = services.plan_create(actor=world.caseworker, client=world.client_a, kind="contact", data=contact_data())
    assert contact.plan.kind == "contact"


def test_active_plan_validation(world):
    with pytest.raises(ValidationError) as error:
        write_active(world, goals="", follow_up_on=None, ends_on=today() - DAY)
    assert set(error.value.message_dict) == {"goals", "follow_up_on", "ends_on"}


def test_contact_plan_validation(world):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=world.caseworker, client=world.client_a, kind="contact", data=contact_data(contact_frequency="")
        )
    assert "contact_frequency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=world.caseworker,
            client=world.client_a,
            kind="contact",
            data=contact_data(contact_frequency="other", contact_how=""),
        )
    assert "contact_how" in error.value.message_dict


def test_agreement_needs_date_and_how(world):
    with pytest.raises(ValidationError) as error:
        write_active(world, agreed_on=today())
    assert "agreed_how" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        write_active(world, agreed_how="signed")
    assert "agreed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        write_active(world, agreed_on=today() + DAY, agreed_how="signed")
    version = write_active(
        world, agreed_on=today(), agreed_how="signed", care_plan_reference="VC Andersberg", care_plan_dated=today()
    )
    assert version.agreed_how == "signed"


def test_end_a_plan_then_write_a_new_one(world):
    first = write_active(world)
    services.plan_end(actor=world.caseworker, plan=first.plan)
    with pytest.raises(Conflict):
        services.plan_end(actor=world.caseworker, plan=first.plan)
    with pytest.raises(Conflict):
        services.plan_revise(actor=world.caseworker, plan=first.plan, data=active_data())
    again = write_active(world)
    assert again.plan_id != first.plan_id


def test_refusals(world, make_consent):
    with pytest.raises(Http404):
        services.plan_create(
            actor=world.caseworker_other_unit, client=world.client_a, kind="active", data=active_data()
        )
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    with pytest.raises(PermissionRefused):
        services.plan_create(actor=world.partner_officer, client=world.client_a, kind="active", data=active_data())


def activity(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def test_activities(world, af):
    plan = write_active(world).plan
    registered = services.activity_register(
        actor=world.caseworker,
        client=world.client_a,
        data=services.ActivityData(
            type=activity(ActivityCode.WORK_CAPACITY_ASSESSMENT), plan=plan, partner=af, planned_on=today() + 7 * DAY
        ),
    )
    assert registered.status == "planned"
    assert registered.case == world.case_a
    with pytest.raises(ValidationError) as error:
        services.activity_update(
            actor=world.caseworker,
            activity=registered,
            data=services.ActivityData(type=registered.type, plan=plan, started_on=today(), ended_on=today() - DAY),
        )
    assert "ended_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.activity_update(
            actor=world.caseworker,
            activity=registered,
            data=services.ActivityData(type=registered.type, started_on=today(), ended_on=today()),
        )
    assert "result" in error.value.message_dict
    updated = services.activity_update(
        actor=world.caseworker,
        activity=registered,
        data=services.ActivityData(
            type=registered.type,
            plan=plan,
            partner=af,
            planned_on=registered.planned_on,
            started_on=today(),
            ended_on=today(),
            result="completed",
        ),
    )
    assert updated.status == "ended"
    event = AuditEvent.objects.get(action="activity.updated")
    assert event.data["changed"] == ["ended_on", "result", "started_on"]
    assert event.data["type"] == "work_capacity_assessment"


def test_activity_validation(world):
    with pytest.raises(ValidationError) as error:
        services.activity_register(actor=world.caseworker, client=world.client_a, data=services.ActivityData(type=None))
    assert {"type", "planned_on"} <= set(error.value.message_dict)
    retired = activity(ActivityCode.OTHER)
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        services.activity_register(
            actor=world.caseworker,
            client=world.client_a,
            data=services.ActivityData(type=retired, planned_on=today()),
        )
    assert "type" in error.value.message_dict
    other_plan = services.plan_create(
        actor=world.caseworker_other_unit, client=world.client_b, kind="active", data=active_data()
    ).plan
    with pytest.raises(ValidationError) as error:
        services.activity_register(
            actor=world.caseworker,
            client=world.client_a,
            data=services.ActivityData(type=activity(ActivityCode.PREPARATORY), plan=other_plan, planned_on=today()),
        )
    assert "plan" in error.value.message_dict


# --- pages --------------------------------------------------------------------------------------


def active_post(**overrides):
    data = {
        "goals": "Egen försörjning.",
        "steps": "",
        "responsible": "",
        "starts_on": "",
        "ends_on": "",
        "follow_up_on": (today() + 30 * DAY).isoformat(),
        "care_plan_reference": "",
        "care_plan_dated": "",
        "agreed_on": today().isoformat(),
        "agreed_how": "oral",
        "change_note": "",
    }
    data.update(overrides)
    return data


def test_write_revise_and_see_versions(world, login_as):
    http = login_as(world.caseworker)
    new_url = f"/clients/{world.client_a.pk}/plans/new/active/"
    assert http.get(new_url).status_code == 200
    response = http.post(new_url, active_post())
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response["Location"] == f"/clients/{world.client_a.pk}/plans/{plan.pk}/"
    # Asking for a new plan of the same kind goes to a new version of the open one.
    assert http.get(new_url)["Location"] == f"/clients/{world.client_a.pk}/plans/{plan.pk}/new-version/"
    revise = f"/clients/{world.client_a.pk}/plans/{plan.pk}/new-version/"
    page = http.get(revise).content.decode()
    assert "Egen försörjning." in page
    assert 'name="based_on" value="1"' in page
    assert http.post(revise, active_post(goals="Studier.", change_note="Nytt mål", based_on="1")).status_code == 302
    detail = http.get(f"/clients/{world.client_a.pk}/plans/{plan.pk}/").content.decode()
    assert "Gällande version (2)" in detail
    assert "Studier." in detail
    assert "Nytt mål" in detail
    old = http.get(f"/clients/{world.client_a.pk}/plans/{plan.pk}/versions/1/").content.decode()
    assert "Egen försörjning." in old
    assert "Detta är en tidigare version" in old
    listing = http.get(f"/clients/{world.client_a.pk}/plans/").content.decode()
    assert "Version 2." in listing


def test_form_keeps_typed_values_on_error(world, login_as):
    http = login_as(world.caseworker)
    response = http.post(
        f"/clients/{world.client_a.pk}/plans/new/active/",
        active_post(steps="Arbetsträning hos AME", agreed_how=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Arbetsträning hos AME" in page
    assert "Ange hur klienten godkände planen." in page
    assert not Plan.objects.exists()


def test_contact_plan_form(world, login_as):
    http = login_as(world.caseworker)
    url = f"/clients/{world.client_a.pk}/plans/new/contact/"
    page = http.get(url).content.decode()
    assert "Varannan vecka" in page
    data = {
        "contact_frequency": "monthly",
        "contact_how": "Telefon",
        "care_plan_reference": "",
        "care_plan_dated": "",
        "agreed_on": "",
        "agreed_how": "",
        "change_note": "",
    }
    assert http.post(url, data).status_code == 302
    assert Plan.objects.get().versions.get().contact_frequency == "monthly"
    assert http.get(f"/clients/{world.client_a.pk}/plans/new/other/").status_code == 404


def test_plan_pdf(world, login_as, af):
    version = write_active(world, agreed_on=today(), agreed_how="signed", care_plan_reference="VC Andersberg")
    services.activity_register(
        actor=world.caseworker,
        client=world.client_a,
        data=services.ActivityData(
            type=activity(ActivityCode.WORK_CAPACITY_ASSESSMENT), plan=version.plan, partner=af, planned_on=today()
        ),
    )
    response = login_as(world.caseworker).get(
        f"/clients/{world.client_a.pk}/plans/{version.plan_id}/versions/1/plan.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Aktiv plan" in text
    assert "Egen försörjning genom arbete på deltid." in text
    assert "VC Andersberg" in text
    assert "Arbetsförmågebedömning via AMC" in text
    assert AuditEvent.objects.get(action="client.printed").data["document"] == "plan_pdf"


def test_end_plan_page(world, login_as):
    plan = write_active(world).plan
    http = login_as(world.caseworker)
    assert http.post(f"/clients/{world.client_a.pk}/plans/{plan.pk}/end/", {"end-ended_on": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.ended_on == today()
    assert http.get(f"/clients/{world.client_a.pk}/plans/{plan.pk}/new-version/").status_code == 404


def test_activity_pages(world, login_as, af):
    plan = write_active(world).plan
    http = login_as(world.caseworker)
    page = http.get(f"/clients/{world.client_a.pk}/activities/new/?plan={plan.pk}").content.decode()
    assert "Fördjupad kartläggning via AME" in page
    data = {
        "type": activity(ActivityCode.DEEPER_MAPPING_AME).pk,
        "plan": plan.pk,
        "partner": "",
        "planned_on": (today() + 7 * DAY).isoformat(),
        "started_on": "",
        "ended_on": "",
        "result": "",
        "result_note": "",
        "note": "",
    }
    response = http.post(f"/clients/{world.client_a.pk}/activities/new/", data)
    assert response.status_code == 302
    registered = Activity.objects.get()
    bad = http.post(f"/clients/{world.client_a.pk}/activities/new/", {**data, "planned_on": "", "note": "Kvar"})
    assert bad.status_code == 200
    assert "Kvar" in bad.content.decode()
    edit = f"/clients/{world.client_a.pk}/activities/{registered.pk}/edit/"
    assert http.get(edit).status_code == 200
    changed = {
        **data,
        "started_on": today().isoformat(),
        "ended_on": today().isoformat(),
        "result": "interrupted",
        "version": "1",
    }
    assert http.post(edit, changed).status_code == 302
    registered.refresh_from_db()
    assert registered.result == "interrupted"
    listing = http.get(f"/clients/{world.client_a.pk}/activities/").content.decode()
    assert "Fördjupad kartläggning via AME" in listing
    assert "Avbruten" in listing
    assert AuditEvent.objects.filter(action="activity.viewed").count() == 1


def test_panel(world, login_as, panels_wired):
    write_active(world)
    before = AuditEvent.objects.count()
    page = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/").content.decode()
    assert 'data-testid="plans-panel"' in page
    assert "Öppna den aktiva planen" in page
    assert "Skriv en kontaktplan" in page
    actions = list(AuditEvent.objects.order_by("pk")[before:].values_list("action", flat=True))
    assert not [a for a in actions if a.split(".")[0] in {"plan", "activity"}]


# --- access ---------------------------------------------------------------------------------------


def plan_urls(client_id: int, plan_id: int, activity_id: int) -> list[str]:
    base = f"/clients/{client_id}"
    return [
        f"{base}/plans/",
        f"{base}/plans/new/contact/",
        f"{base}/plans/{plan_id}/",
        f"{base}/plans/{plan_id}/new-version/",
        f"{base}/plans/{plan_id}/versions/1/",
        f"{base}/plans/{plan_id}/versions/1/plan.pdf",
        f"{base}/activities/",
        f"{base}/activities/new/",
        f"{base}/activities/{activity_id}/edit/",
    ]


def setup_plan(world):
    plan = write_active(world).plan
    registered = services.activity_register(
        actor=world.caseworker,
        client=world.client_a,
        data=services.ActivityData(type=activity(ActivityCode.PREPARATORY), plan=plan, planned_on=today()),
    )
    return plan, registered


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_404(world, login_as, actor):
    plan, registered = setup_plan(world)
    http = login_as(getattr(world, actor))
    for url in plan_urls(world.client_a.pk, plan.pk, registered.pk):
        assert http.get(url).status_code == 404, url
    posts = [
        f"/clients/{world.client_a.pk}/plans/new/active/",
        f"/clients/{world.client_a.pk}/plans/{plan.pk}/new-version/",
        f"/clients/{world.client_a.pk}/plans/{plan.pk}/end/",
        f"/clients/{world.client_a.pk}/activities/new/",
        f"/clients/{world.client_a.pk}/activities/{registered.pk}/edit/",
    ]
    for url in posts:
        assert http.post(url, active_post()).status_code == 404, url
    assert PlanVersion.objects.count() == 1
    assert not AuditEvent.objects.filter(actor=getattr(world, actor)).exists()


@pytest.mark.parametrize("actor", WRITERS)
def test_staff_see_every_page(world, login_as, actor):
    plan, registered = setup_plan(world)
    http = login_as(getattr(world, actor))
    for url in plan_urls(world.client_a.pk, plan.pk, registered.pk):
        assert http.get(url).status_code == 200, url


def test_plan_of_another_client_is_404(world, login_as):
    plan, registered = setup_plan(world)
    http = login_as(world.caseworker_other_unit)
    for url in plan_urls(world.client_b.pk, plan.pk, registered.pk)[2:]:
        if "/new/" not in url and not url.endswith("/activities/"):
            assert http.get(url).status_code == 404, url


def test_partner_reads_plans_under_consent_only(world, login_as, make_consent):
    plan, registered = setup_plan(world)
    consent = make_consent(world.client_a, partner=world.fk, purposes=("fk_consultation",))
    http = login_as(world.partner_officer)
    # A case-consultation consent opens the client but not the plans.
    assert http.get(f"/clients/{world.client_a.pk}/plans/").status_code == 404
    consent.delete()
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    page = http.get(f"/clients/{world.client_a.pk}/plans/{plan.pk}/")
    assert page.status_code == 200
    assert "Spara en ny version" not in page.content.decode()
    assert http.get(f"/clients/{world.client_a.pk}/activities/").status_code == 200
    for url in plan_urls(world.client_a.pk, plan.pk, registered.pk):
        if "/new" in url or url.endswith("/edit/"):
            assert http.get(url).status_code == 404, url
