"""Forms of the case-record screens. Validation of rules lives in ``services``; these forms only
collect input, hide what the user may not read and report the services' errors on their fields."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casework.admin_base import add_service_errors
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.permissions.access import (
    can_read_confidential_notes,
    can_see_comune,
    is_programme_manager,
    is_social_worker,
    visible_comuni,
)
from casework.permissions.scoping import ScopedAdminForm
from core.fields import HoursField
from core.widgets import ItalianDateInput
from network.choices import PathwayType
from network.codice_fiscale import normalize

from .choices import (
    Activity,
    EmploymentCondition,
    FollowUpSituation,
    PathwayOutcome,
    Sex,
    TargetGroup,
)
from .deadlines import today
from .rules import INTAKE_DEADLINE_DAYS

CONFIDENTIAL_FIELD = "confidential_notes"


MSG_RESIDENCE_READ_ONLY = _(
    "Il cambio di residenza si registra con l'azione «Cambia residenza» del responsabile PAL."
)


def may_read_notes(user, beneficiary):
    if beneficiary is None or beneficiary.pk is None:
        # A new person: written by the referring social worker or the programme manager.
        return is_programme_manager(user) or is_social_worker(user)
    return can_read_confidential_notes(user, beneficiary)


def _availability_field():
    return HoursField(
        label=_("Disponibilità settimanale (ore)"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("60"),
        required=False,
        help_text=_(
            "Quante ore a settimana la persona può lavorare (es. 20 o 17,5); vuoto se non nota. "
            "Il matching non propone posizioni con un orario più lungo."
        ),
    )


class KeepUneditableFieldsMixin:
    """Wagtail's "revert to this revision" saves the whole old revision through the edit form,
    so without this a status, an amount, a decision or a residence set by a service could be put
    back by anybody allowed to edit the record, past every rule of the services. Every field the
    form does not edit (absent or disabled) is re-read from the database before the form's own
    values are applied: a revert restores only what the edit form itself may change."""

    def _post_clean(self):
        instance = self.instance
        if instance.pk is not None:
            current = type(instance)._default_manager.filter(pk=instance.pk).first()
            if current is not None:
                for field in instance._meta.concrete_fields:
                    form_field = self.fields.get(field.name)
                    if field.primary_key or (form_field is not None and not form_field.disabled):
                        continue
                    setattr(instance, field.attname, getattr(current, field.attname))
                    if form_field is not None and field.name in self.cleaned_data:
                        # A disabled field's value is the instance's, in a revert the old one.
                        self.cleaned_data[field.name] = getattr(current, field.name)
        super()._post_clean()


class BeneficiaryAdminForm(KeepUneditableFieldsMixin, ScopedAdminForm):
    available_hours_per_week = _availability_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if CONFIDENTIAL_FIELD in self.fields and not may_read_notes(self.for_user, self.instance):
            # Removing the field (not just hiding it) also keeps a POST from blanking the notes.
            del self.fields[CONFIDENTIAL_FIELD]
        residence = self.fields.get("residence_comune")
        if residence is not None and self.instance.pk is not None:
            # A change of residence moves the person to another Comune's social workers: it is
            # the programme manager's explicit, audited act (``services.change_residence``).
            residence.disabled = True
            residence.help_text = MSG_RESIDENCE_READ_ONLY

    def clean_tax_code(self):
        return normalize(self.cleaned_data.get("tax_code"))

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("tax_code")
        if code and not self.has_error("tax_code"):
            try:
                cases_referrals.check_personal_data(
                    code, birth_date=cleaned.get("birth_date"), sex=cleaned.get("sex")
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned


class ReferralAdminForm(KeepUneditableFieldsMixin, ScopedAdminForm):
    """Collects an edit of a referral's data. The edit view hands it to
    ``cases_referrals.update_referral`` (rules, intake deadline, save); its status changes only
    through the action screens."""


class PathwayAdminForm(KeepUneditableFieldsMixin, ScopedAdminForm):
    """Collects an edit of a pathway's data, saved by ``cases_pathways.update_pathway``."""


class TeamMeetingAdminForm(ScopedAdminForm):
    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > today():
            raise ValidationError(cases_referrals.MSG_FUTURE_DATE)
        return held_on


PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "residence_comune",
    "address",
    "phone",
    "email",
    "employment_condition",
    "target_group",
    "available_hours_per_week",
    "privacy_notice_on",
    "confidential_notes",
)


PERSON_REQUIRED = ("first_name", "last_name", "residence_comune", "target_group")


class NewReferralForm(forms.Form):
    """One screen for a referral. When the tax code belongs to a registered person the referral is
    attached to them and the person fields are ignored: no duplicate people."""

    tax_code = forms.CharField(label=_("Codice fiscale"), max_length=20)
    # Person (only for someone not registered yet)
    first_name = forms.CharField(label=_("Nome"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Data di nascita"),
        required=False,
        help_text=_("Se vuota è letta dal codice fiscale; se indicata deve corrispondere."),
        widget=ItalianDateInput(),
    )
    sex = forms.ChoiceField(
        label=_("Sesso"), choices=[("", _("dal codice fiscale")), *Sex.choices], required=False
    )
    residence_comune = forms.ModelChoiceField(
        label=_("Comune di residenza"), queryset=None, required=False
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    employment_condition = forms.ChoiceField(
        label=_("Condizione"),
        choices=EmploymentCondition.choices,
        initial=EmploymentCondition.DISOCCUPATO,
    )
    target_group = forms.ChoiceField(
        label=_("Target"), choices=[("", "---------"), *TargetGroup.choices], required=False
    )
    available_hours_per_week = _availability_field()
    privacy_notice_on = forms.DateField(
        label=_("Informativa privacy consegnata il"),
        required=False,
        widget=ItalianDateInput(),
    )
    confidential_notes = forms.CharField(
        label=_("Note riservate"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # Referral
    comune = forms.ModelChoiceField(label=_("Comune inviante"), queryset=None)
    protocol = forms.CharField(label=_("Protocollo del Comune"), max_length=50)
    referred_on = forms.DateField(label=_("Data segnalazione"), widget=ItalianDateInput())
    social_worker_name = forms.CharField(
        label=_("Assistente sociale"), max_length=150, required=False
    )
    proposed_pathway_type = forms.ChoiceField(
        label=_("Percorso proposto"),
        choices=[("", "---------"), *PathwayType.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    group_name = forms.CharField(label=_("Gruppo"), max_length=100, required=False)
    intake_deadline_days = forms.IntegerField(
        label=_("Giorni per la presa in carico"), initial=INTAKE_DEADLINE_DAYS, min_value=1
    )
    deadline_reason = forms.CharField(
        label=_("Motivazione della scadenza più lunga"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.existing = None
        comuni = visible_comuni(user).order_by("name")
        self.fields["residence_comune"].queryset = comuni
        self.fields["comune"].queryset = comuni
        self.fields["referred_on"].initial = today()
        if not may_read_notes(user, None):
            del self.fields["confidential_notes"]

    def clean_tax_code(self):
        code = normalize(self.cleaned_data["tax_code"])
        try:
            cases_referrals.check_personal_data(code)
        except ValidationError as error:
            raise ValidationError(error.message_dict["tax_code"]) from None
        existing = cases_referrals.find_beneficiary(code)
        if existing is not None and not can_see_comune(self.user, existing.residence_comune_id):
            # The person is another Comune's resident: that Comune refers them. Nothing of them
            # (name, birth date, Comune) is shown, and the referral is not attached to them.
            raise ValidationError(cases_referrals.MSG_OTHER_RESIDENCE)
        self.existing = existing
        return code

    def clean(self):
        cleaned = super().clean()
        if self.existing is None and "tax_code" in cleaned:
            for name in PERSON_REQUIRED:
                if not cleaned.get(name):
                    self.add_error(name, _("Campo obbligatorio per una persona nuova."))
            try:
                cases_referrals.check_personal_data(
                    cleaned["tax_code"],
                    birth_date=cleaned.get("birth_date"),
                    sex=cleaned.get("sex") or None,
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned

    def person_data(self):
        """The new person's fields for ``refer_person`` (ignored when the person exists)."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in PERSON_FIELDS
            if name in data and name not in ("birth_date", "sex") and data[name] is not None
        }
        return {"birth_date": data.get("birth_date"), "sex": data.get("sex") or None, **fields}

    def referral_data(self):
        data = self.cleaned_data
        return {
            "comune": data["comune"],
            "protocol": data["protocol"],
            "referred_on": data["referred_on"],
            "social_worker_name": data.get("social_worker_name", ""),
            "proposed_pathway_type": data.get("proposed_pathway_type", ""),
            "reason": data.get("reason", ""),
            "group_name": data.get("group_name", ""),
            "intake_deadline_days": data["intake_deadline_days"],
            "deadline_reason": data.get("deadline_reason", ""),
        }


DATE_WIDGET = ItalianDateInput()


def _date_field(label=None):
    return forms.DateField(label=label or _("Data"), widget=DATE_WIDGET)


class TakeInChargeForm(forms.Form):
    on = _date_field(_("Data della presa in carico"))
    pathway_type = forms.ChoiceField(label=_("Tipologia di percorso"), choices=PathwayType.choices)
    chosen_activities = forms.MultipleChoiceField(
        label=_("Attività (solo progetto personalizzato)"),
        choices=Activity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class ChangeResidenceForm(ReasonForm):
    comune = forms.ModelChoiceField(label=_("Nuovo Comune di residenza"), queryset=None)

    field_order = ["comune", "reason"]

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        from network.models import Comune

        self.fields["comune"].queryset = Comune.objects.exclude(
            pk=person.residence_comune_id
        ).order_by("name")


class ReopenForm(ReasonForm):
    on = _date_field(_("Data della riapertura"))


class PositionChoiceField(forms.ModelChoiceField):
    """A position named with its organisation, weekly hours and free seats, so the choice is made
    knowing them."""

    def label_from_instance(self, obj):
        parts = [f"{obj.title} – {obj.host.name}"]
        if obj.hours_per_week is not None:
            parts.append(
                _("%(hours)s ore/settimana")
                % {"hours": number_format(obj.hours_per_week, decimal_pos=_decimals(obj))}
            )
        free = getattr(obj, "free_seats", None)
        if free is not None and free > 0:
            parts.append(ngettext("%(n)d posto libero", "%(n)d posti liberi", free) % {"n": free})
        return " · ".join(str(part) for part in parts)


def _decimals(position):
    hours = position.hours_per_week
    return 0 if hours == hours.to_integral() else 1


def position_choices(pathway):
    """The positions the rules allow for the pathway (``assignable_positions``), plus the one it
    already holds, best known first by organisation and title."""
    from django.db.models import Q

    from network.models import Position
    from network.selectors import with_free_seats

    allowed = cases_pathways.assignable_positions(pathway).values("pk")
    positions = Position.objects.filter(Q(pk__in=allowed) | Q(pk=pathway.position_id or 0))
    return with_free_seats(positions).select_related("host").order_by("host__name", "title")


def _position_field():
    return PositionChoiceField(
        label=_("Posizione"),
        queryset=None,
        required=False,
        help_text=_(
            "Solo posizioni aperte di enti approvati, adatte alla tipologia del percorso, con "
            "posti liberi e un orario entro la disponibilità settimanale della persona."
        ),
    )


class ActivateForm(forms.Form):
    on = _date_field(_("Data di attivazione"))
    position = _position_field()

    def __init__(self, *args, pathway, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = position_choices(pathway)
        self.fields["position"].initial = pathway.position_id


class DefinePathwayForm(forms.Form):
    pathway_type = forms.ChoiceField(label=_("Tipologia di percorso"), choices=PathwayType.choices)
    chosen_activities = forms.MultipleChoiceField(
        label=_("Attività (solo progetto personalizzato)"),
        choices=Activity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_interview_on = forms.DateField(
        label=_("Colloquio di primo livello il"), widget=DATE_WIDGET, required=False
    )
    assessment = forms.CharField(
        label=_("Valutazione"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    cv_summary = forms.CharField(
        label=_("Curriculum"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    position = _position_field()
    planned_end_on = forms.DateField(label=_("Fine prevista"), widget=DATE_WIDGET, required=False)
    hours_per_week = forms.DecimalField(
        label=_("Ore settimanali"), max_digits=4, decimal_places=1, min_value=0, required=False
    )
    planned_tutoring_hours = forms.DecimalField(
        label=_("Ore di tutoraggio previste"),
        max_digits=6,
        decimal_places=1,
        min_value=0,
        required=False,
    )

    def __init__(self, *args, pathway, **kwargs):
        kwargs["initial"] = {
            **{
                "pathway_type": pathway.pathway_type,
                "chosen_activities": list(pathway.activities.values_list("activity", flat=True)),
                "first_interview_on": pathway.first_interview_on,
                "assessment": pathway.assessment,
                "cv_summary": pathway.cv_summary,
                "position": pathway.position_id,
                "planned_end_on": pathway.planned_end_on,
                "hours_per_week": pathway.hours_per_week,
                "planned_tutoring_hours": pathway.planned_tutoring_hours,
            },
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = position_choices(pathway)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pathway_type") != PathwayType.PERSONALIZZATO:
            cleaned["chosen_activities"] = None
        return cleaned


class CompleteForm(forms.Form):
    on = _date_field(_("Data di conclusione"))
    outcome = forms.ChoiceField(
        label=_("Esito"), choices=[("", "---------"), *PathwayOutcome.choices], required=False
    )
    note = forms.CharField(
        label=_("Nota sull'esito"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class InterruptForm(ReasonForm):
    on = _date_field(_("Data di interruzione"))


class FollowUpForm(forms.Form):
    on = _date_field()
    situation = forms.ChoiceField(label=_("Situazione"), choices=FollowUpSituation.choices)
    note = forms.CharField(
        label=_("Nota"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ActivityDoneForm(forms.Form):
    on = _date_field(_("Svolta il"))
    note = forms.CharField(label=_("Nota"), max_length=255, required=False)
