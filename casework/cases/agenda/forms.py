"""Forms of the agenda: booking, moving, cancelling, no-show, attendance and the agenda's filter.
They only collect input; the rules are in ``services``."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.permissions.names import display_name
from core.widgets import ItalianDateInput

from .selectors import DAY, WEEK, agency_operators

TIME_FORMATS = ["%H:%M", "%H.%M", "%H,%M", "%H"]


class OperatorChoiceField(forms.ModelChoiceField):
    """The agency's operators by full name, never by username."""

    def label_from_instance(self, obj):
        return display_name(obj)


def _time_field(label):
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "hh:mm", "inputmode": "numeric"}),
        help_text=_("Ora e minuti, per esempio 09:30."),
    )


class SlotFormMixin:
    def starts_at(self):
        data = self.cleaned_data
        moment = datetime.datetime.combine(data["date"], data["time"])
        return timezone.make_aware(moment)

    def duration(self):
        minutes = self.cleaned_data.get("duration")
        return datetime.timedelta(minutes=minutes) if minutes else None


class BookAppointmentForm(SlotFormMixin, forms.Form):
    date = forms.DateField(label=_("Data"), widget=ItalianDateInput())
    time = _time_field(_("Ora"))
    operator = OperatorChoiceField(
        label=_("Operatore dello sportello"), queryset=None, empty_label=_("Scegliere…")
    )
    duration = forms.IntegerField(
        label=_("Durata (minuti)"), min_value=5, max_value=480, required=False
    )
    late_reason = forms.CharField(
        label=_("Motivo del ritardo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Solo se l'appuntamento è dopo la scadenza della presa in carico."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = agency_operators()


class RescheduleForm(SlotFormMixin, forms.Form):
    date = forms.DateField(label=_("Nuova data"), widget=ItalianDateInput())
    time = _time_field(_("Nuova ora"))
    operator = OperatorChoiceField(label=_("Operatore dello sportello"), queryset=None)
    late_reason = forms.CharField(
        label=_("Motivo del ritardo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Solo se il nuovo orario è dopo la scadenza della presa in carico."),
    )
    reason = forms.CharField(
        label=_("Motivo dello spostamento"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = agency_operators()

    def duration(self):
        return None


class AppointmentReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class AttendanceForm(forms.Form):
    note = forms.CharField(
        label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgendaFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Vista"),
        choices=[(WEEK, _("Settimana")), (DAY, _("Giorno"))],
        required=False,
    )
    on = forms.DateField(label=_("Data"), widget=ItalianDateInput(), required=False)
    operator = OperatorChoiceField(
        label=_("Operatore"), queryset=None, required=False, empty_label=_("Tutto lo sportello")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = agency_operators()
