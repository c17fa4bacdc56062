"""Blank forms drawn once per process for what they show (rattvag.core.templatetags.blank_forms)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django import forms
from django.template.loader import get_template
from django.utils import translation

from rattvag.accounts.models import Partner, PartnerKind
from rattvag.certificates.forms import SgiStatusForm
from rattvag.consent.forms import ConsentRecordForm
from rattvag.core.templatetags import blank_forms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    blank_forms.forget_kept()
    yield
    blank_forms.forget_kept()


def _fresh(template_name: str, **values: object) -> str:
    return get_template(template_name).render(values)


def _kept(template_name: str, **values: object) -> str:
    return str(blank_forms.render_fields(template_name, values))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_kept_html_is_what_the_template_draws(language):
    with translation.override(language):
        for template_name, values in (
            ("consent/_record_fields.html", {"form": ConsentRecordForm(prefix="consent"), "full": False}),
            ("consent/_record_fields.html", {"form": ConsentRecordForm(), "full": True}),
            ("certificates/_sgi_fields.html", {"form": SgiStatusForm(prefix="sgi")}),
        ):
            first = _kept(template_name, **values)
            assert first == _fresh(template_name, **values)
            assert _kept(template_name, **values) == first  # the second time from what was kept
    assert len(blank_forms._kept) == 3


def test_the_language_the_day_and_the_choices_are_part_of_the_key():
    template_name = "consent/_record_fields.html"
    with translation.override("sv"):
        swedish = _kept(template_name, form=ConsentRecordForm(prefix="consent"), full=False)
    with translation.override("en"):
        english = _kept(template_name, form=ConsentRecordForm(prefix="consent"), full=False)
    assert swedish != english
    with translation.override("en"):
        with time_machine.travel(datetime.datetime(2031, 3, 4, 12, tzinfo=datetime.UTC), tick=False):
            later = _kept(template_name, form=ConsentRecordForm(prefix="consent"), full=False)
        assert 'value="2031-03-04"' in later
        assert later != english
        Partner.objects.create(code="ny-vardcentral", name="Vårdcentralen Nyby", kind=PartnerKind.CARE_UNIT)
        with_partner = _kept(template_name, form=ConsentRecordForm(prefix="consent"), full=False)
        assert "Vårdcentralen Nyby" in with_partner
        assert "Vårdcentralen Nyby" not in english
        # Another prefix draws other ids and names.
        assert 'id="id_other-partner"' in _kept(template_name, form=ConsentRecordForm(prefix="other"), full=False)


def test_a_bound_form_is_drawn_every_time_and_never_kept():
    template_name = "certificates/_sgi_fields.html"
    form = SgiStatusForm({"sgi-status": "", "sgi-recorded_on": "not a date"}, prefix="sgi")
    assert not form.is_valid()
    html = _kept(template_name, form=form)
    assert html == _fresh(template_name, form=form)
    assert "govuk-error-message" in html
    assert not blank_forms._kept


def test_values_that_cannot_be_compared_are_drawn_every_time():
    class Lazy(forms.Form):
        partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("pk"))

    with pytest.raises(blank_forms.NotComparable):
        blank_forms.form_key(Lazy())
    with pytest.raises(blank_forms.NotComparable):
        blank_forms.plain(object())
    # True and 1 are equal in Python but drawn differently.
    assert blank_forms.plain(True) != blank_forms.plain(1)
