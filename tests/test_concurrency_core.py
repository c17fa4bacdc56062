"""The shared optimistic-locking helper (rattvag.core.concurrency) on a real model and the real audit log."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from rattvag.clients.models import Client
from rattvag.clients.services import client_update
from rattvag.core.concurrency import (
    MAX_VERSION,
    VersionField,
    changes_since,
    conflict_context,
    save_if_version,
    with_version,
)
from rattvag.core.errors import Conflict, StaleVersion


def test_a_save_adds_one_to_the_version(world):
    client = world.client_a
    assert client.version == 1
    client.city = "Laholm"
    save_if_version(instance=client, expected_version=1, changed_fields=["city"])
    assert client.version == 2
    stored = Client.objects.get(pk=client.pk)
    assert (stored.city, stored.version) == ("Laholm", 2)


def test_only_the_named_fields_are_written(world):
    client = world.client_a
    Client.objects.filter(pk=client.pk).update(phone="035-111")  # someone else's column, same version
    client.city = "Laholm"
    save_if_version(instance=client, expected_version=1, changed_fields=["city"])
    assert Client.objects.get(pk=client.pk).phone == "035-111"


def test_an_outdated_version_writes_nothing_and_says_what_changed(world):
    first = Client.objects.get(pk=world.client_a.pk)
    second = Client.objects.get(pk=world.client_a.pk)
    client_update(actor=world.manager, client=first, expected_version=1, city="Laholm", phone="035-222")
    second.first_name = "Ingen"
    with pytest.raises(StaleVersion) as caught:
        save_if_version(instance=second, expected_version=1, changed_fields=["first_name"])
    error = caught.value
    assert isinstance(error, Conflict)
    assert error.current.version == 2
    assert error.current.city == "Laholm"
    assert sorted(error.changed_fields) == ["city", "phone"]
    assert error.changed_by == world.manager
    assert error.changed_at is not None
    assert Client.objects.get(pk=world.client_a.pk).first_name == world.client_a.first_name


def test_changes_since_joins_every_newer_change(world):
    client = Client.objects.get(pk=world.client_a.pk)
    client_update(actor=world.caseworker, client=client, city="Laholm")
    client_update(actor=world.manager, client=client, phone="035-333")
    fields, last = changes_since(obj=client, version=1, actions=["client.updated"])
    assert sorted(fields) == ["city", "phone"]
    assert last is not None
    assert last.actor == world.manager
    fields, _last = changes_since(obj=client, version=2, actions=["client.updated"])
    assert fields == ["phone"]
    assert changes_since(obj=client, version=3, actions=["client.updated"])[0] == []


def test_a_deleted_row_is_not_a_conflict(world):
    client = Client.objects.get(pk=world.client_b.pk)
    Client.objects.filter(pk=client.pk).delete()
    with pytest.raises(Client.DoesNotExist):
        save_if_version(instance=client, expected_version=1, changed_fields=["city"])


class _Form(forms.Form):
    version = VersionField()
    city = forms.CharField(label="Ort")
    protected = forms.BooleanField(label="Skyddad", required=False)


@pytest.mark.parametrize("value", ["", "abc", "0", "-1", str(MAX_VERSION + 1)])
def test_the_version_field_is_required_and_positive(value):
    form = _Form({"version": value, "city": "Laholm"})
    assert not form.is_valid()
    assert form.errors["version"] == ["Formuläret saknar sin version. Ladda om sidan och gör dina ändringar igen."]


def test_with_version_keeps_everything_typed():
    posted = QueryDict("version=1&city=Laholm&tags=a&tags=b")
    moved = with_version(posted, 7)
    assert moved["version"] == "7"
    assert moved["city"] == "Laholm"
    assert moved.getlist("tags") == ["a", "b"]
    assert posted["version"] == "1"


def test_conflict_rows_show_only_changed_form_fields(world):
    error = StaleVersion(current=world.client_a, changed_fields=["city", "protected", "not_on_the_form"])
    form = _Form()
    context = conflict_context(error=error, form=form, current_values={"city": "Laholm", "protected": True})
    rows = [(row.label, row.value) for row in context["conflict"]["rows"]]
    assert rows == [("Ort", "Laholm"), ("Skyddad", "Ja")]
