"""The unit manager's log review in a real browser: find a flagged access, review it, export the log."""

from __future__ import annotations

import csv
import io

import pytest

from rattvag.audit.models import AuditEvent
from rattvag.clients.services import access_grant_create
from tests.factories import CaseFactory, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reviews_a_temporary_access_and_exports_the_client_log(page, world, browser_login, assert_accessible):
    # A client of the manager's unit with a fixed, valid number (typed into the lookup below).
    client = ClientFactory(municipality=world.municipality_a, personal_number="198505051238")
    CaseFactory(client=client, unit=world.unit_a, responsible=world.caseworker)
    access_grant_create(actor=world.caseworker_other_unit, client=client, reason="Täcker upp i receptionen i dag")
    event = AuditEvent.objects.get(action="access.break_glass")

    browser_login(world.manager)
    page.get_by_role("link", name="Loggranskning").click()
    page.get_by_role("heading", level=1, name="Loggranskning").wait_for()
    assert_accessible(page)

    row = page.locator(f'tr[data-event-id="{event.pk}"]')
    assert row.locator(".govuk-tag", has_text="Tillfällig åtkomst").is_visible()
    assert row.get_by_text(client.full_name).is_visible()
    assert row.get_by_text(world.caseworker_other_unit.get_full_name()).is_visible()

    # Open the access; a review without a note is refused with the GOV.UK error pattern.
    row.get_by_role("link", name="Granska").click()
    page.get_by_role("heading", level=1, name="Åtkomst i loggen").wait_for()
    assert page.get_by_text("Täcker upp i receptionen i dag").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Markera som granskad").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Anteckning").fill("Stämt av med handläggaren: täckte upp för enhet B.")
    page.get_by_role("button", name="Markera som granskad").click()

    page.get_by_text("Åtkomsten är markerad som granskad.").wait_for()
    assert page.locator(f'tr[data-event-id="{event.pk}"]').locator(".govuk-tag", has_text="Granskad").is_visible()
    assert_accessible(page)
    assert AuditEvent.objects.get(pk=event.pk).review.note.startswith("Stämt av")

    # Who accessed the client: the number goes by POST, the page address holds only an id.
    page.get_by_label("Personnummer").fill(client.personal_number_display)
    page.get_by_role("button", name="Visa klientens logg").click()
    page.get_by_role("heading", level=1, name="Vem har tagit del av klientens uppgifter").wait_for()
    assert page.url.endswith(f"/audit/clients/{client.pk}/")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner klientens loggutdrag (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"atkomstlogg-klient-{client.pk}.csv"
    raw = download.path().read_bytes()
    assert raw.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert header == ["Tid", "Användare", "Roll", "Agerade för", "Händelse", "Ändamål"]
    actions = [(r[1], r[4]) for r in rows]
    assert (
        world.caseworker_other_unit.get_full_name(),
        "Tog tillfällig åtkomst till en klient i en annan enhet",
    ) in actions
    assert (world.manager.get_full_name(), "Granskade en åtkomst i loggen") in actions
    assert actions[-1] == (world.manager.get_full_name(), "Exporterade klientens åtkomstlogg")
    assert client.personal_number not in raw.decode("utf-8-sig")
