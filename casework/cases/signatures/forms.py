"""The small forms of the signatures section: a signature, its withdrawal, a signed scan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import ItalianDateInput

from ..choices import PaperKind
from .choices import Party
from .rules import required_papers


def _kind_choices(pathway):
    return [(kind, PaperKind(kind).label) for kind, _parties in required_papers(pathway)]


class SignatureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Documento"))
    party = forms.ChoiceField(label=_("Parte che firma"))
    signed_on = forms.DateField(label=_("Firmato il"), widget=ItalianDateInput())
    signer_name = forms.CharField(
        label=_("Nome di chi firma"),
        required=False,
        max_length=200,
        help_text=_("Per l'ente ospitante e l'agenzia: il legale rappresentante o il delegato."),
    )

    def __init__(self, *args, pathway, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices(pathway)
        self.fields["party"].choices = [(party, Party(party).label) for party in parties]


class WithdrawSignatureForm(forms.Form):
    reason = forms.CharField(label=_("Motivo del ritiro"), widget=forms.Textarea(attrs={"rows": 3}))


class SignedScanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Documento"))
    file = forms.FileField(
        label=_("Scansione firmata"),
        help_text=_("PDF, JPEG o PNG, al massimo %(mb)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, pathway, max_mb, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices(pathway)
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": max_mb}
