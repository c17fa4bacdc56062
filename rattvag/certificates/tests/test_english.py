"""The pages render in English too (every string has an English source)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .factories import register

pytestmark = pytest.mark.django_db


def test_pages_in_english(world, login_as):
    today = timezone.localdate()
    certificate = register(
        world.client_a, world.caseworker, (today - datetime.timedelta(days=3), today + datetime.timedelta(days=9), 75)
    )
    http = login_as(world.caseworker)
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = {
        reverse("certificates:register", args=[world.client_a.pk]): "Register a medical certificate",
        reverse("certificates:detail", args=[world.client_a.pk, certificate.pk]): "Medical certificate issued",
        reverse("certificates:overview", args=[world.client_a.pk]): "Current degree",
        reverse("certificates:care_units"): "Certificate completeness by care unit",
    }
    for url, text in pages.items():
        html = http.get(url).content.decode()
        assert text in html, url
    assert "75 %" in http.get(reverse("certificates:overview", args=[world.client_a.pk])).content.decode()
