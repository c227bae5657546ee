"""Forms of the money screens. They collect input only: every rule is checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.cases.choices import PathwayStatus
from casework.cases.forms import KeepUneditableFieldsMixin
from casework.cases.models import Pathway
from casework.permissions.access import is_programme_manager, scope, visible_comuni
from casework.permissions.scoping import ScopedAdminForm
from core.widgets import ItalianDateInput

from . import services
from .choices import VoucherKind

MSG_PERIOD_ORDER = _("La fine del periodo precede l'inizio.")


MSG_DECISION_WITHOUT_CHOICE = _("Scegliere se approvare o respingere.")


DECISION_CHOICES = [
    ("", _("Rimanda")),
    (services.DECISION_APPROVE, _("Approva")),
    (services.DECISION_REJECT, _("Respingi")),
]


DECISION_NOTE_FIELD = "decision_note"


def may_edit_decision(user):
    """The joint team's decision (and its note) is the programme manager's to record; the
    agency proposes vouchers and reads the decision."""
    return is_programme_manager(user) and user.has_perm("casework.change_voucher")


class VoucherAdminForm(KeepUneditableFieldsMixin, ScopedAdminForm):
    """The voucher's edit form: the decision note, for the programme manager only. Status,
    decision date and author, meeting and amounts are never in it, and are re-read from the
    database on save, so neither a forged POST nor "revert to this revision" changes them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if DECISION_NOTE_FIELD in self.fields and not may_edit_decision(self.for_user):
            # Removed, not hidden: a posted note is then ignored.
            del self.fields[DECISION_NOTE_FIELD]


class InvoiceCheckForm(forms.Form):
    comune = forms.ModelChoiceField(label=_("Comune"), queryset=None)
    period_start = forms.DateField(label=_("Dal"), widget=ItalianDateInput)
    period_end = forms.DateField(label=_("Al"), widget=ItalianDateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].queryset = visible_comuni(user).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", MSG_PERIOD_ORDER)
        return data


class MeetingDecisionsForm(forms.Form):
    """One decision (a small select: rimanda, approva, respingi) and one note per voucher waiting
    for the team; ``refused`` maps a voucher's pk to why its last decision was not saved."""

    def __init__(self, *args, vouchers, refused=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vouchers = list(vouchers)
        self.refused = refused or {}
        for voucher in self.vouchers:
            self.fields[f"decision_{voucher.pk}"] = forms.ChoiceField(
                label=_("Decisione"),
                choices=DECISION_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "zo-decision"}),
            )
            self.fields[f"note_{voucher.pk}"] = forms.CharField(
                label=_("Nota"), required=False, max_length=500
            )

    def rows(self):
        for voucher in self.vouchers:
            yield (
                voucher,
                self[f"decision_{voucher.pk}"],
                self[f"note_{voucher.pk}"],
                self.refused.get(voucher.pk, ()),
            )

    def decisions(self):
        chosen = []
        for voucher in self.vouchers:
            decision = self.cleaned_data.get(f"decision_{voucher.pk}")
            if decision:
                chosen.append((voucher, decision, self.cleaned_data.get(f"note_{voucher.pk}", "")))
        return chosen


class ProposeVoucherForm(forms.Form):
    pathway = forms.ModelChoiceField(label=_("Percorso"), queryset=None)
    kind = forms.ChoiceField(label=_("Voce"), choices=VoucherKind.choices)
    quantity = forms.DecimalField(
        label=_("Quantità"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        initial=1,
        help_text=_("1 per le attivazioni; le ore per il tutoraggio."),
    )
    on = forms.DateField(
        label=_("Data di riferimento"),
        required=False,
        widget=ItalianDateInput,
        help_text=_(
            "Sceglie l'edizione e la tariffa. Se vuota: l'attivazione del percorso, "
            "o la presa in carico se non ancora attivo."
        ),
    )
    note = forms.CharField(
        label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        pathways = Pathway.objects.exclude(status=PathwayStatus.INTERRUPTED, activated_on=None)
        self.fields["pathway"].queryset = scope(pathways, user, "comune").select_related(
            "referral__beneficiary"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(forms.Form):
    pass
