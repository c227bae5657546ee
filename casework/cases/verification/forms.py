"""The review meeting's form (record and correct). It collects input only: every rule is checked
by ``casework.cases.verification.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import ItalianDateInput

from .models import Party


class VerificationMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Data dell'incontro"), widget=ItalianDateInput)
    participants = forms.MultipleChoiceField(
        label=_("Hanno partecipato"),
        choices=Party.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participant_names = forms.CharField(
        label=_("Nomi dei partecipanti"),
        max_length=255,
        required=False,
        help_text=_("Es. Marta Bonetti (agenzia), Luca Ferrari (tutor aziendale)."),
    )
    minutes = forms.CharField(label=_("Verbale"), widget=forms.Textarea(attrs={"rows": 6}))
    next_meeting_on = forms.DateField(
        label=_("Prossimo incontro"),
        required=False,
        widget=ItalianDateInput,
        help_text=_("Se fissato: dopo questa data l'incontro risulta scaduto sul percorso."),
    )
