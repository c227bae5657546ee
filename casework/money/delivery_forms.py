"""Forms of the tutoring and timesheet screens (record and correct). They collect input only:
every rule is checked by casework.money.delivery."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import HoursField
from core.widgets import ItalianDateInput


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
