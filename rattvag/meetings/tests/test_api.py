"""Meetings and the SIP in the API: lists and writes, 404 for invisible clients, 403 for refused writes and a
SIP without consent (the message names the consent), audit of every read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rattvag.audit.models import AuditEvent
from rattvag.meetings.models import Meeting, SipVersion
from rattvag.meetings.tests.fixtures import OUTSIDERS

pytestmark = pytest.mark.django_db


def api(login_as, user):
    return login_as(user)


def meeting_body(**overrides):
    starts = timezone.localtime() + datetime.timedelta(days=3)
    body = {"kind": "mapping", "starts_at": starts.strftime("%Y-%m-%dT10:00:00"), "location": "Rum 4"}
    body.update(overrides)
    return body


def sip_body(**overrides):
    body = {
        "client_goal": "Jag vill arbeta.",
        "interventions_needed": "Arbetsträning.",
        "overall_responsibility": "Socialtjänsten",
        "follow_up_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "follow_up_how": "SIP-möte.",
    }
    body.update(overrides)
    return body


def post(http, url, body):
    return http.post(url, body, content_type="application/json")


def test_book_and_list_meetings(world, login_as):
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/meetings"
    response = post(http, url, meeting_body(staff=[world.nurse.pk]))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["kind"] == "mapping"
    assert {p["kind"] for p in created["participants"]} == {"client", "staff"}
    assert timezone.localtime(Meeting.objects.get().starts_at).hour == 10
    listing = http.get(url)
    assert listing.status_code == 200
    assert [m["id"] for m in listing.json()] == [created["id"]]
    assert AuditEvent.objects.filter(action="meeting.viewed", data__via="api").count() == 1


def test_meeting_validation_and_consent(world, login_as):
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/meetings"
    response = post(http, url, meeting_body(location=""))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "location"
    response = post(http, url, meeting_body(partners=["NOPE"]))
    assert response.status_code == 422
    response = post(http, url, meeting_body(kind="three_party", partners=["FK-HALLAND"]))
    assert response.status_code == 403
    assert "Försäkringskassan Halland" in response.json()["message"]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_404(world, login_as, actor):
    http = login_as(getattr(world, actor))
    for path in ("meetings", "sip"):
        url = f"/api/v1/clients/{world.client_a.pk}/{path}"
        assert http.get(url).status_code == 404
        body = meeting_body() if path == "meetings" else sip_body()
        assert post(http, url, body).status_code == 404
    assert http.get("/api/v1/clients/999999/meetings").status_code == 404
    assert not Meeting.objects.exists()


def test_partner_officer_reads_but_cannot_write(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("share_fk", "sip"))
    http = login_as(world.partner_officer)
    assert http.get(f"/api/v1/clients/{world.client_a.pk}/meetings").json() == []
    assert http.get(f"/api/v1/clients/{world.client_a.pk}/sip").status_code == 200
    assert post(http, f"/api/v1/clients/{world.client_a.pk}/meetings", meeting_body()).status_code == 403
    assert post(http, f"/api/v1/clients/{world.client_a.pk}/sip", sip_body()).status_code == 403


def test_sip_needs_consent_then_versions(world, login_as, make_consent):
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/sip"
    response = post(http, url, sip_body())
    assert response.status_code == 403
    assert "Samordnad individuell plan (SIP)" in response.json()["message"]
    assert http.get(url).json() == {"sip_id": None, "current": None, "versions": []}
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    first = post(http, url, sip_body(partners=["FK-HALLAND"]))
    assert first.status_code == 201, first.content
    assert first.json()["number"] == 1
    assert first.json()["partners"] == ["FK-HALLAND"]
    unsaid = post(http, url, sip_body(client_goal="Jag vill studera."))
    assert unsaid.status_code == 422  # a new version must say which one it was written from
    assert unsaid.json()["errors"][0]["field"] == "based_on"
    second = post(http, url, sip_body(client_goal="Jag vill studera.", based_on=1))
    assert second.json()["number"] == 2
    stale = post(http, url, sip_body(client_goal="Jag vill vila.", based_on=1))
    assert stale.status_code == 409
    body = http.get(url).json()
    assert body["current"]["number"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["versions"][1]["client_goal"] == "Jag vill arbeta."
    assert SipVersion.objects.count() == 2


def test_sip_invalid_input(world, login_as, make_consent):
    make_consent(world.client_a, partner=world.fk, purposes=("sip",))
    http = login_as(world.caseworker)
    url = f"/api/v1/clients/{world.client_a.pk}/sip"
    response = post(http, url, sip_body(client_goal="  "))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "client_goal"
    response = post(http, url, sip_body(meeting_id=12345))
    assert response.status_code == 422
