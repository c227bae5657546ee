"""Writes of people and referrals: registration, referral from the residence Comune (``refer_person``
does both), admin edits (``update_referral``), change of residence, decline, withdrawal, reopening.
One transaction each, Italian ``ValidationError`` when a rule forbids.

The ``check_*`` functions are the rules themselves, plain and without writes: the services here
and the bulk importer (``casework.imports.referrals``) call the same ones, so a rule and its
message are the same on a screen and in an import report."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log as _log

from casework.audit.services import Action as _AuditAction
from casework.audit.services import record_event as _record_event
from casework.cases import deadlines as _deadlines
from casework.cases.choices import (
    ENDED_PATHWAY_STATUSES,
    OPEN_REFERRAL_STATUSES,
    PathwayStatus,
    ReferralStatus,
)
from casework.cases.models import Beneficiary, Referral
from casework.cases.rules import INTAKE_DEADLINE_DAYS
from casework.cases.transitions import REFERRAL_TRANSITIONS, allows
from casework.permissions.access import can_see_comune as _can_see_comune
from casework.permissions.access import is_programme_manager as _is_programme_manager
from network.codice_fiscale import normalize as _normalize_cf
from network.codice_fiscale import parse_personal_code as _parse_cf

MSG_FUTURE_DATE = _("La data non può essere nel futuro.")


MSG_COMUNE_NOT_ALLOWED = _("Non può operare sulle segnalazioni di questo Comune.")


MSG_BIRTH_DATE_MISMATCH = _("La data di nascita non corrisponde al codice fiscale.")


MSG_SEX_MISMATCH = _("Il sesso non corrisponde al codice fiscale.")


MSG_PERSON_EXISTS = _("Esiste già una persona con questo codice fiscale.")


MSG_OPEN_REFERRAL_EXISTS = _("La persona ha già una segnalazione aperta.")


# Shared with the import (``check_residence``); it names no Comune, so a social worker learns
# nothing of another Comune's resident.
MSG_OTHER_RESIDENCE = _(
    "Questa persona risulta residente in un altro Comune: la segnalazione spetta a quel Comune."
)


MSG_RESIDENCE_MANAGER_ONLY = _(
    "Il cambio di residenza è registrato dal responsabile PAL del programma."
)


MSG_SAME_RESIDENCE = _("La persona risulta già residente in questo Comune.")


MSG_RESIDENCE_OPEN_REFERRAL = _(
    "La persona ha una segnalazione aperta del Comune di %(comune)s: la residenza si cambia "
    "dopo che quella segnalazione è chiusa, ritirata o non accolta."
)


MSG_DEADLINE_TOO_SHORT = _("La presa in carico deve avvenire entro 15 giorni: non si può ridurre.")


MSG_LONGER_DEADLINE_NEEDS_GROUP = _(
    "Una scadenza più lunga di 15 giorni è ammessa solo per la segnalazione di un gruppo, "
    "indicando il gruppo e la motivazione."
)


MSG_NOT_RECEIVED = _("La segnalazione non è in attesa di presa in carico.")


MSG_REASON_REQUIRED = _("Indicare la motivazione.")


MSG_CANNOT_WITHDRAW = _("Non si può ritirare una segnalazione con un percorso già attivo o chiuso.")


MSG_NOT_CLOSED = _("Si può riaprire solo una segnalazione non accolta, ritirata o chiusa.")


MSG_REOPEN_BEFORE_REFERRAL = _("La riapertura non può precedere la segnalazione.")


MSG_REFERRAL_AFTER_INTAKE = _("La data della segnalazione non può seguire la presa in carico.")


# What an admin edit of a referral may change (the edit form's fields); status, Comune, person
# and deadlines are set by the services only.
REFERRAL_EDITABLE_FIELDS = (
    "protocol",
    "referred_on",
    "social_worker_name",
    "proposed_pathway_type",
    "reason",
    "group_name",
    "intake_deadline_days",
    "deadline_reason",
)


def _not_future(value, field):
    if value is not None and value > _deadlines.today():
        raise ValidationError({field: MSG_FUTURE_DATE})


def _required_text(value, field):
    if not (value or "").strip():
        raise ValidationError({field: MSG_REASON_REQUIRED})
    return value.strip()


def _history(instance, action, user, **data):
    """Wagtail's history of the record (shown in its History tab)."""
    _log(instance=instance, action=action, user=user, data=data or None)


def check_personal_data(tax_code, *, birth_date=None, sex=None):
    """The code is valid and agrees with the birth date and sex typed in; returns the parsed
    code. Errors are keyed by field so forms show them where they belong."""
    try:
        parsed = _parse_cf(tax_code)
    except ValidationError as error:
        raise ValidationError({"tax_code": error.messages}) from None
    errors = {}
    if birth_date is not None and birth_date != parsed.birth_date:
        errors["birth_date"] = MSG_BIRTH_DATE_MISMATCH
    if sex and sex != parsed.sex:
        errors["sex"] = MSG_SEX_MISMATCH
    if errors:
        raise ValidationError(errors)
    return parsed


def check_referred_on(referred_on):
    _not_future(referred_on, "referred_on")


def check_intake_deadline(days, *, group_name="", deadline_reason=""):
    """15 days, or longer only for a group's referral with the group and the reason given."""
    if days < INTAKE_DEADLINE_DAYS:
        raise ValidationError({"intake_deadline_days": MSG_DEADLINE_TOO_SHORT})
    if days > INTAKE_DEADLINE_DAYS and not (
        (group_name or "").strip() and (deadline_reason or "").strip()
    ):
        raise ValidationError({"intake_deadline_days": MSG_LONGER_DEADLINE_NEEDS_GROUP})


def check_residence(residence_comune_id, comune_id):
    """A referral comes from the person's residence Comune: otherwise a Comune would pull another
    Comune's resident into its scope and exports."""
    if residence_comune_id != comune_id:
        raise ValidationError({"comune": MSG_OTHER_RESIDENCE})


def check_no_open_referral(has_open_referral):
    """One open referral (received or taken in charge) per person at a time."""
    if has_open_referral:
        raise ValidationError(MSG_OPEN_REFERRAL_EXISTS)


def find_beneficiary(tax_code):
    code = _normalize_cf(tax_code)
    return Beneficiary.objects.filter(tax_code=code).first() if code else None


@transaction.atomic
def register_beneficiary(*, tax_code, user, birth_date=None, sex=None, **fields):
    """A new person. Birth date and sex default to what the code says and must agree with it."""
    parsed = check_personal_data(tax_code, birth_date=birth_date, sex=sex)
    if Beneficiary.objects.filter(tax_code=parsed.code).exists():
        raise ValidationError({"tax_code": MSG_PERSON_EXISTS})
    comune = fields.get("residence_comune")
    if comune is not None and not _can_see_comune(user, comune.pk):
        raise ValidationError({"residence_comune": MSG_COMUNE_NOT_ALLOWED})
    _not_future(fields.get("privacy_notice_on"), "privacy_notice_on")
    person = Beneficiary(
        tax_code=parsed.code, birth_date=parsed.birth_date, sex=parsed.sex, **fields
    )
    person.full_clean()
    person.save()
    person.save_revision(user=user, log_action=True)
    return person


@transaction.atomic
def create_referral(
    beneficiary,
    *,
    comune,
    protocol,
    referred_on,
    user,
    social_worker_name="",
    proposed_pathway_type="",
    reason="",
    group_name="",
    intake_deadline_days=INTAKE_DEADLINE_DAYS,
    deadline_reason="",
):
    if not _can_see_comune(user, comune.pk):
        raise ValidationError({"comune": MSG_COMUNE_NOT_ALLOWED})
    check_referred_on(referred_on)
    check_intake_deadline(
        intake_deadline_days, group_name=group_name, deadline_reason=deadline_reason
    )
    # Lock the person so that two simultaneous referrals of the same person cannot both pass,
    # and so that a change of residence running at the same moment is seen.
    locked = Beneficiary.objects.select_for_update().filter(pk=beneficiary.pk).first()
    residence_id = locked.residence_comune_id if locked else beneficiary.residence_comune_id
    check_residence(residence_id, comune.pk)
    check_no_open_referral(beneficiary.referrals.filter(status__in=OPEN_REFERRAL_STATUSES).exists())
    referral = Referral(
        comune=comune,
        protocol=protocol.strip(),
        beneficiary=beneficiary,
        referred_on=referred_on,
        referred_by=user if user is not None and user.is_authenticated else None,
        social_worker_name=social_worker_name or (user.get_full_name() if user else ""),
        proposed_pathway_type=proposed_pathway_type,
        reason=reason,
        group_name=group_name.strip(),
        intake_deadline_days=intake_deadline_days,
        deadline_reason=deadline_reason.strip(),
        intake_due_on=_deadlines.intake_due(referred_on, intake_deadline_days),
        status=ReferralStatus.RECEIVED,
    )
    referral.full_clean()
    referral.save()
    referral.save_revision(user=user, log_action=True)
    return referral


@transaction.atomic
def change_residence(person, *, comune, user, reason):
    """The person now lives in ``comune``: an explicit act of the programme manager, with its
    reason, in the record's history and in the audit trail. Residence decides which Comune's
    social workers see the person and which Comune refers them, so it changes nowhere else (the
    edit form shows it read-only, the import refuses a row of another Comune).

    Refused while the person has an open referral (received or taken in charge): that case
    belongs to the referring Comune, whose budget pays for it, and moving the person would take
    them out of sight of the very social workers following it. Once that referral is closed,
    withdrawn or declined, the residence changes and the new Comune refers the person."""
    if not _is_programme_manager(user):
        raise ValidationError(MSG_RESIDENCE_MANAGER_ONLY)
    reason = _required_text(reason, "reason")
    person = (
        Beneficiary.objects.select_for_update(of=("self",))
        .select_related("residence_comune")
        .get(pk=person.pk)
    )
    old = person.residence_comune
    if old.pk == comune.pk:
        raise ValidationError({"comune": MSG_SAME_RESIDENCE})
    open_referral = (
        person.referrals.filter(status__in=OPEN_REFERRAL_STATUSES).select_related("comune").first()
    )
    if open_referral is not None:
        raise ValidationError(MSG_RESIDENCE_OPEN_REFERRAL % {"comune": open_referral.comune})
    person.residence_comune = comune
    person.full_clean()
    person.save(update_fields=["residence_comune", "updated_at"])
    person.save_revision(user=user, log_action=True)
    _history(
        person,
        "casework.change_residence",
        user,
        old_comune=old.pk,
        new_comune=comune.pk,
        reason=reason,
    )
    # Ids only, as everywhere in the trail: from which Comune to which.
    _record_event(
        user,
        _AuditAction.CHANGE,
        person,
        comune_id=old.pk,
        detail=f"cambio di residenza: Comune {old.pk} -> Comune {comune.pk}",
    )
    return person


def _set_referral_status(referral, status, note, user, action):
    referral.status = status
    referral.status_note = note
    referral.full_clean()
    referral.save(update_fields=["status", "status_note", "updated_at"])
    referral.save_revision(user=user, log_action=True)
    _history(referral, action, user)
    return referral


@transaction.atomic
def decline_referral(referral, *, reason, user):
    """The agency does not take the person in charge (e.g. belongs to SIL, L. 68/99)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not allows(REFERRAL_TRANSITIONS, "decline", referral.status):
        raise ValidationError(MSG_NOT_RECEIVED)
    reason = _required_text(reason, "reason")
    return _set_referral_status(referral, ReferralStatus.DECLINED, reason, user, "casework.decline")


@transaction.atomic
def withdraw_referral(referral, *, reason, user, on=None):
    """The Comune withdraws the referral; a pathway not yet active is interrupted with it."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = _required_text(reason, "reason")
    if not allows(REFERRAL_TRANSITIONS, "withdraw", referral.status):
        raise ValidationError(MSG_CANNOT_WITHDRAW)
    if referral.status == ReferralStatus.TAKEN_IN_CHARGE:
        pathways = list(
            referral.pathways.select_for_update().exclude(status__in=ENDED_PATHWAY_STATUSES)
        )
        if any(p.status == PathwayStatus.ACTIVE for p in pathways):
            raise ValidationError(MSG_CANNOT_WITHDRAW)
        on = on or _deadlines.today()
        for pathway in pathways:
            pathway.status = PathwayStatus.INTERRUPTED
            pathway.ended_on = max(on, pathway.intake_on)
            pathway.outcome = "other"
            pathway.outcome_note = reason
            pathway.save()
            pathway.save_revision(user=user, log_action=True)
    return _set_referral_status(
        referral, ReferralStatus.WITHDRAWN, reason, user, "casework.withdraw"
    )


@transaction.atomic
def reopen_referral(referral, *, on, reason, user):
    """Back to "ricevuta": a new intake deadline runs from the day of reopening."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not allows(REFERRAL_TRANSITIONS, "reopen", referral.status):
        raise ValidationError(MSG_NOT_CLOSED)
    reason = _required_text(reason, "reason")
    _not_future(on, "on")
    if on < referral.referred_on:
        raise ValidationError({"on": MSG_REOPEN_BEFORE_REFERRAL})
    others = referral.beneficiary.referrals.exclude(pk=referral.pk)
    check_no_open_referral(others.filter(status__in=OPEN_REFERRAL_STATUSES).exists())
    referral.intake_due_on = _deadlines.intake_due(on, referral.intake_deadline_days)
    referral.save(update_fields=["intake_due_on"])
    return _set_referral_status(referral, ReferralStatus.RECEIVED, reason, user, "casework.reopen")


def _intake_count_start(referral):
    """The day the running intake count started: the referral's day, or the day of a reopening
    (``reopen_referral`` restarts the count from it)."""
    if referral.intake_due_on is None:
        return referral.referred_on
    return referral.intake_due_on - datetime.timedelta(days=referral.intake_deadline_days)


@transaction.atomic
def update_referral(referral, *, user, **changes):
    """An admin edit of a referral's data (``REFERRAL_EDITABLE_FIELDS``), under the rules of
    ``create_referral``; the intake deadline follows the new date or number of days."""
    unknown = set(changes) - set(REFERRAL_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_referral: not editable: {sorted(unknown)}")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    old_referred_on = referral.referred_on
    start = _intake_count_start(referral)
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(referral, name) != value:
            changed.append(name)
        setattr(referral, name, value)
    check_referred_on(referral.referred_on)
    check_intake_deadline(
        referral.intake_deadline_days,
        group_name=referral.group_name,
        deadline_reason=referral.deadline_reason,
    )
    first_intake = referral.pathways.order_by("intake_on").values_list("intake_on", flat=True)
    first_intake = first_intake.first()
    if first_intake is not None and referral.referred_on > first_intake:
        raise ValidationError({"referred_on": MSG_REFERRAL_AFTER_INTAKE})
    # A count running from the referral's day moves with it; one restarted by a reopening stays.
    if start == old_referred_on or start < referral.referred_on:
        start = referral.referred_on
    referral.intake_due_on = _deadlines.intake_due(start, referral.intake_deadline_days)
    referral.full_clean()
    referral.save()
    if changed:
        _history(referral, "casework.edit", user, fields=sorted(changed))
    return referral


@transaction.atomic
def refer_person(tax_code, *, user, person_fields=None, **referral_fields):
    """A referral from one screen: the person with this tax code, registered first when new
    (``person_fields``: birth date, sex, names, residence...), then the referral
    (``create_referral``'s arguments). One transaction: a refused referral registers nobody."""
    person = find_beneficiary(tax_code)
    if person is None:
        person = register_beneficiary(tax_code=tax_code, user=user, **(person_fields or {}))
    return create_referral(person, user=user, **referral_fields)
