"""The GOV.UK form tags: labels, hints, inline errors and the error summary."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Your full name")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    colour = forms.ChoiceField(label="Colour", choices=[("", "—"), ("red", "Red"), ("blue", "Blue")])
    shade = forms.ChoiceField(label="Shade", choices=[("dark", "Dark"), ("light", "Light")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree", required=False)


def _render(form, source):
    return Template("{% load govuk %}" + source).render(Context({"form": form}))


def test_text_input_with_hint_and_error():
    form = ExampleForm(data={"shade": "dark"})
    assert not form.is_valid()
    html = _render(form, "{% govuk_field form.name width='govuk-!-width-one-half' %}")
    assert "govuk-form-group--error" in html
    assert '<label class="govuk-label" for="id_name">Name</label>' in html
    assert 'id="name-hint"' in html
    assert 'id="name-error"' in html
    assert 'aria-describedby="name-hint name-error"' in html
    assert "govuk-input govuk-!-width-one-half" in html
    assert "govuk-input--error" in html


def test_optional_marker_and_textarea():
    html = _render(ExampleForm(), "{% govuk_field form.note %}")
    assert "(valfritt)" in html
    assert 'class="govuk-textarea"' in html


def test_select_radios_and_checkbox():
    form = ExampleForm(data={"name": "A", "colour": "blue", "shade": "light", "agree": "on"})
    form.is_valid()
    select = _render(form, "{% govuk_field form.colour %}")
    assert 'class="govuk-select"' in select
    assert '<option value="blue" selected>' in select
    radios = _render(form, "{% govuk_field form.shade %}")
    assert "<fieldset" in radios
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Shade</legend>' in radios
    assert 'id="id_shade_1" name="shade" type="radio" value="light" checked' in radios
    checkbox = _render(form, "{% govuk_field form.agree %}")
    assert 'type="checkbox" value="on" checked' in checkbox
    assert 'class="govuk-label govuk-checkboxes__label" for="id_agree"' in checkbox


def test_error_summary_links_to_fields():
    form = ExampleForm(data={})
    form.is_valid()
    form.add_error(None, "Something as a whole")
    html = _render(form, "{% govuk_error_summary form %}")
    assert "Det finns ett problem" in html
    assert '<a href="#id_name">' in html
    assert '<a href="#id_shade_0">' in html
    assert "<li>Something as a whole</li>" in html


def test_no_summary_without_errors():
    assert _render(ExampleForm(), "{% govuk_error_summary form %}").strip() == ""
