"""The small forms of a tirocinio's paperwork (they hand their data to ``services``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import ItalianDateInput

from .choices import CommunicationKind


def _date(label):
    return forms.DateField(label=label, widget=ItalianDateInput())


def _reason():
    return forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class CommunicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Comunicazione"), choices=CommunicationKind.choices)
    sent_on = _date(_("Inviata il"))
    protocol = forms.CharField(
        label=_("Protocollo"),
        max_length=60,
        help_text=_("Il numero di protocollo della comunicazione obbligatoria (COB)."),
    )


class ExtensionForm(forms.Form):
    on = _date(_("Data della proroga"))
    new_end_on = _date(_("Nuova fine prevista"))
    reason = _reason()


class SuspensionForm(forms.Form):
    on = _date(_("Sospeso dal"))
    reason = _reason()


class ResumeForm(forms.Form):
    on = _date(_("Ripreso il"))
