"""Forms of the tutoring and timesheet screens (record and correct). They collect input only:
every rule is checked by casework.money.delivery."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import ItalianDateInput


class HoursField(forms.DecimalField):
    """Hours typed the Italian way: "1,5" as well as "1.5". A number input would not do: Chromium
    drops the comma of "1,5" in an ``<input type="number">`` and sends "15"."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.update(inputmode="decimal", autocomplete="off")
        return attrs

    def prepare_value(self, value):
        value = super().prepare_value(value)
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)


class TutoringSessionForm(forms.Form):
    on = forms.DateField(label=_("Data"), widget=ItalianDateInput)
    hours = HoursField(
        label=_("Ore"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        help_text=_("A mezz'ore (es. 1,5)."),
    )
    note = forms.CharField(
        label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TimesheetForm(forms.Form):
    month = forms.DateField(
        label=_("Mese"), widget=ItalianDateInput, help_text=_("Un giorno qualsiasi del mese.")
    )
    hours_worked = HoursField(label=_("Ore lavorate"), max_digits=6, decimal_places=1, min_value=0)
    payslip_delivered_on = forms.DateField(
        label=_("Busta paga consegnata il"), required=False, widget=ItalianDateInput
    )
    cud_delivered_on = forms.DateField(
        label=_("CUD consegnato il"), required=False, widget=ItalianDateInput
    )


class TimesheetCorrectionForm(forms.Form):
    """The month stays: another month is another timesheet."""

    hours_worked = HoursField(label=_("Ore lavorate"), max_digits=6, decimal_places=1, min_value=0)
    payslip_delivered_on = forms.DateField(
        label=_("Busta paga consegnata il"), required=False, widget=ItalianDateInput
    )
    cud_delivered_on = forms.DateField(
        label=_("CUD consegnato il"), required=False, widget=ItalianDateInput
    )
