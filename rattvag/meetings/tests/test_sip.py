"""The SIP: refused without the client's SIP consent (the refusal names it and links to recording it),
versioned (a new save never changes an earlier version), a PDF of any version, and 404 for outsiders."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.consent.checks import ConsentMissing
from rattvag.core.errors import PermissionRefused
from rattvag.meetings import services
from rattvag.meetings.models import Sip, SipVersion
from rattvag.meetings.tests.fixtures import OUTSIDERS, WRITERS, pdf_text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def sip_data(**overrides):
    data = {
        "client_goal": "Jag vill kunna arbeta halvtid inom ett år.",
        "interventions_needed": "Rehabilitering och arbetsträning.",
        "municipality_interventions": "Arbetsträning via AME.",
        "region_interventions": "Fysioterapi på vårdcentralen.",
        "other_interventions": "Försäkringskassan utreder SGI.",
        "overall_responsibility": "Socialtjänsten, handläggare Anna",
        "follow_up_on": timezone.localdate() + 60 * DAY,
        "follow_up_how": "Nytt SIP-möte.",
    }
    data.update(overrides)
    return services.SipData(**data)


def test_refused_without_sip_consent(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    with pytest.raises(ConsentMissing) as refused:
        services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    assert "Samordnad individuell plan (SIP)" in refused.value.message
    assert refused.value.purpose == "sip"
    with pytest.raises(ConsentMissing) as refused:
        services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data(partners=[world.fk]))
    assert "Försäkringskassan Halland" in refused.value.message
    assert not Sip.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="sip.").exists()


def test_allowed_with_sip_consent(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    version = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data(partners=[world.fk]))
    assert version.number == 1
    assert version.sip.case == world.case_a
    assert list(version.partners.all()) == [world.fk]
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "sip.created",
        "sip.version_saved",
    ]
    assert "Jag vill" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_sip_consent_must_cover_each_agency(world, care_unit, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    with pytest.raises(ConsentMissing) as refused:
        services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data(partners=[world.fk, care_unit]))
    assert "Vårdcentralen Andersberg" in refused.value.message


def test_a_second_save_keeps_the_first(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    first = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    second = services.sip_save(
        actor=world.nurse,
        client=world.client_a,
        data=sip_data(client_goal="Jag vill studera.", change_note="Nytt mål"),
    )
    assert (first.sip_id, first.number) == (second.sip_id, 1)
    assert second.number == 2
    first.refresh_from_db()
    assert first.client_goal == "Jag vill kunna arbeta halvtid inom ett år."
    from rattvag.meetings.selectors import current_sip_version

    assert current_sip_version(client=world.client_a) == second
    assert SipVersion.objects.count() == 2
    assert AuditEvent.objects.filter(action="sip.created").count() == 1


def test_validation(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.sip_save(
            actor=world.caseworker,
            client=world.client_a,
            data=sip_data(client_goal=" ", follow_up_on=None, overall_responsibility=""),
        )
    assert set(error.value.message_dict) == {"client_goal", "follow_up_on", "overall_responsibility"}


def test_end_and_start_again(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    first = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    services.sip_end(actor=world.caseworker, sip=first.sip)
    again = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    assert again.sip_id != first.sip_id
    assert again.number == 1


def test_partner_officer_cannot_write(world, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    with pytest.raises(PermissionRefused):
        services.sip_save(actor=world.partner_officer, client=world.client_a, data=sip_data())


# --- pages --------------------------------------------------------------------------------------


def form_post(**overrides):
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


def test_form_without_consent_keeps_values_and_links_to_consent(world, login_as):
    http = login_as(world.caseworker)
    url = f"/clients/{world.client_a.pk}/sip/new-version/"
    page = http.get(url).content.decode()
    assert 'data-testid="sip-consent-missing"' in page
    assert "purpose=sip" in page
    response = http.post(url, form_post())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Samtycke saknas" in page
    assert "Jag vill kunna arbeta halvtid." in page
    assert "purpose=sip" in page
    assert not Sip.objects.exists()


def test_two_versions_through_the_form(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    http = login_as(world.caseworker)
    url = f"/clients/{world.client_a.pk}/sip/new-version/"
    assert http.post(url, form_post(partners=[world.fk.pk])).status_code == 302
    page = http.get(url).content.decode()
    assert "Jag vill kunna arbeta halvtid." in page  # the form starts from the current version
    assert 'name="based_on" value="1"' in page
    data = form_post(client_goal="Jag vill studera.", change_note="Nytt mål", based_on="1")
    assert http.post(url, data).status_code == 302
    detail = http.get(f"/clients/{world.client_a.pk}/sip/").content.decode()
    assert "Gällande version (2)" in detail
    assert "Jag vill studera." in detail
    assert "Nytt mål" in detail
    first = SipVersion.objects.get(number=1)
    old = http.get(f"/clients/{world.client_a.pk}/sip/versions/{first.pk}/").content.decode()
    assert "Jag vill kunna arbeta halvtid." in old
    assert "Detta är en tidigare version" in old


def test_pdf_of_a_version(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    version = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data(partners=[world.fk]))
    response = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/sip/versions/{version.pk}/sip.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Samordnad individuell plan (SIP)" in text
    assert "Jag vill kunna arbeta halvtid inom ett år." in text
    assert "Försäkringskassan Halland" in text
    event = AuditEvent.objects.get(action="client.printed")
    assert event.data == {"via": "web", "document": "sip_pdf"}


def test_pages_are_audited(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    version = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    http = login_as(world.nurse)
    http.get(f"/clients/{world.client_a.pk}/sip/")
    http.get(f"/clients/{world.client_a.pk}/sip/versions/{version.pk}/")
    assert AuditEvent.objects.filter(action="sip.viewed", actor=world.nurse).count() == 2


def sip_urls(client_id: int, version_id: int) -> list[str]:
    return [
        f"/clients/{client_id}/sip/",
        f"/clients/{client_id}/sip/new-version/",
        f"/clients/{client_id}/sip/versions/{version_id}/",
        f"/clients/{client_id}/sip/versions/{version_id}/sip.pdf",
    ]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_404(world, login_as, make_consent, actor):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    make_consent(world.client_a, partner_kind="care_unit", purposes=("sip",))
    version = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    http = login_as(getattr(world, actor))
    for url in sip_urls(world.client_a.pk, version.pk):
        assert http.get(url).status_code == 404, url
    for url in [f"/clients/{world.client_a.pk}/sip/new-version/", f"/clients/{world.client_a.pk}/sip/end/"]:
        assert http.post(url, form_post()).status_code == 404, url
    assert SipVersion.objects.count() == 1


@pytest.mark.parametrize("actor", WRITERS)
def test_staff_see_every_page(world, login_as, make_consent, actor):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    version = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    http = login_as(getattr(world, actor))
    for url in sip_urls(world.client_a.pk, version.pk):
        assert http.get(url).status_code == 200, url


def test_partner_sees_the_sip_only_under_sip_consent(world, login_as, make_consent):
    make_consent(world.client_a, partner_kind="care_unit", purposes=("sip",))
    version = services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    fk_consent = make_consent(world.client_a, partner=world.fk, purposes=("share_fk",))
    http = login_as(world.partner_officer)
    assert http.get(f"/clients/{world.client_a.pk}/sip/").status_code == 404
    fk_consent.delete()
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    page = http.get(f"/clients/{world.client_a.pk}/sip/")
    assert page.status_code == 200
    assert "Spara en ny version" not in page.content.decode()
    assert http.get(f"/clients/{world.client_a.pk}/sip/versions/{version.pk}/sip.pdf").status_code == 200
    assert http.get(f"/clients/{world.client_a.pk}/sip/new-version/").status_code == 404


def test_panel_shows_the_sip_status(world, login_as, make_consent, panels_wired):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    services.sip_save(actor=world.caseworker, client=world.client_a, data=sip_data())
    page = login_as(world.caseworker).get(f"/clients/{world.client_a.pk}/").content.decode()
    assert "SIP gäller, version 1." in page
