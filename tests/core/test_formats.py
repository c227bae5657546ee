"""Dates are typed and shown the Italian way in both languages: 5/3/2026 is the 5th of March."""

import datetime

import pytest
from django import forms
from django.utils import translation

from core.widgets import PLACEHOLDER, ItalianDateInput


class _Form(forms.Form):
    on = forms.DateField(widget=ItalianDateInput())


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("typed", ["5/3/2026", "05/03/2026", "05-03-2026", "5-3-2026", "5.3.2026"])
def test_italian_typing_parses_as_day_then_month(language, typed):
    with translation.override(language):
        form = _Form(data={"on": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2026, 3, 5)


@pytest.mark.parametrize("language", ["it", "en"])
def test_prefilled_value_is_shown_gg_mm_aaaa(language):
    with translation.override(language):
        html = _Form(initial={"on": datetime.date(2026, 11, 15)}).as_p()
    assert 'value="15/11/2026"' in html
    assert f'placeholder="{PLACEHOLDER}"' in html
    assert 'type="date"' not in html


def test_picker_does_not_rewrite_on_blur():
    assert ItalianDateInput().get_config()["validateOnBlur"] is False
