"""State changes of case records and money: plain functions, one transaction each.

Every function checks the programme's rules and raises ``ValidationError`` with an Italian message
(module constants, reused by the tests) when a rule forbids the change; nothing is half-saved.
Views, imports, tasks and tests all call these.
"""

from decimal import ROUND_HALF_UP as _ROUND_HALF_UP
from decimal import Decimal as _Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum as _Sum
from django.utils import timezone as _timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log as _log

from network.codice_fiscale import normalize as _normalize_cf
from network.codice_fiscale import parse_personal_code as _parse_cf

from . import deadlines as _deadlines
from .access import can_see_comune as _can_see_comune
from .access import is_programme_manager as _is_programme_manager
from .audit import Action as _AuditAction
from .audit import record_event as _record_event
from .choices import COMMITTED_VOUCHER_STATUSES as _COMMITTED
from .choices import Activity as _Activity
from .choices import (
    PathwayStatus,
    PathwayType,
    ReferralStatus,
)
from .choices import VoucherKind as _VoucherKind
from .choices import VoucherStatus as _VoucherStatus
from .euro import format_euro as _format_euro
from .models import Beneficiary, FollowUp, Pathway, PathwayActivity, Referral
from .models import Budget as _Budget
from .models import Edition as _Edition
from .models import Invoice as _Invoice
from .models import InvoiceLine as _InvoiceLine
from .models import Tariff as _Tariff
from .models import TeamMeeting as _TeamMeeting
from .models import Timesheet as _Timesheet
from .models import TutoringSession as _TutoringSession
from .models import Voucher as _Voucher
from .rules import INTAKE_DEADLINE_DAYS, activities_for
from .rules import has_activity as _has_activity
from .selectors import committed_total as _committed_total

# --- Referrals and pathways --------------------------------------------------------------------

MSG_FUTURE_DATE = _("La data non può essere nel futuro.")
MSG_COMUNE_NOT_ALLOWED = _("Non può operare sulle segnalazioni di questo Comune.")
MSG_BIRTH_DATE_MISMATCH = _("La data di nascita non corrisponde al codice fiscale.")
MSG_SEX_MISMATCH = _("Il sesso non corrisponde al codice fiscale.")
MSG_PERSON_EXISTS = _("Esiste già una persona con questo codice fiscale.")
MSG_OPEN_REFERRAL_EXISTS = _("La persona ha già una segnalazione aperta.")
# The same rule as the import's (``importing.MSG_OTHER_RESIDENCE``), worded for a screen; it names
# no Comune, so a social worker learns nothing of another Comune's resident.
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
MSG_INTAKE_BEFORE_REFERRAL = _("La presa in carico non può precedere la data della segnalazione.")
MSG_PATHWAY_TYPE_REQUIRED = _("Indicare la tipologia di percorso.")
MSG_PERSONALISED_NEEDS_ACTIVITIES = _(
    "Per un progetto personalizzato scegliere almeno un'attività."
)
MSG_INTERVIEW_BEFORE_INTAKE = _("Il colloquio non può precedere la presa in carico.")
MSG_PATHWAY_NOT_BEING_DEFINED = _("Il percorso non è più in fase di definizione.")
MSG_POSITION_WRONG_TYPE = _("La posizione scelta non è adatta a questa tipologia di percorso.")
MSG_POSITION_NOT_OPEN = _("La posizione scelta non è aperta.")
MSG_POSITION_FULL = _("La posizione non ha più posti liberi.")
MSG_POSITION_RESERVED = _("La posizione è riservata ai residenti di %(comune)s.")
MSG_HOST_NOT_APPROVED = _("L'ente ospitante non è approvato.")
MSG_ACTIVATION_BEFORE_INTAKE = _("L'attivazione non può precedere la presa in carico.")
MSG_ACTIVATION_NEEDS_POSITION = _("Per attivare il percorso indicare la posizione presso l'ente.")
MSG_NOT_ACTIVE = _("Il percorso non è attivo.")
MSG_OUTCOME_REQUIRED = _("Per concludere il percorso indicare l'esito.")
MSG_END_BEFORE_START = _("La data di conclusione non può precedere l'attivazione.")
MSG_ALREADY_ENDED = _("Il percorso è già concluso o interrotto.")
MSG_REASON_REQUIRED = _("Indicare la motivazione.")
MSG_CANNOT_WITHDRAW = _("Non si può ritirare una segnalazione con un percorso già attivo o chiuso.")
MSG_NOT_CLOSED = _("Si può riaprire solo una segnalazione non accolta, ritirata o chiusa.")
MSG_REOPEN_BEFORE_REFERRAL = _("La riapertura non può precedere la segnalazione.")
MSG_FOLLOW_UP_BEFORE_END = _("Il monitoraggio segue la conclusione del percorso.")
MSG_FOLLOW_UP_NOT_ENDED = _("Il monitoraggio successivo riguarda percorsi conclusi o interrotti.")
MSG_ACTIVITY_NOT_IN_PLAN = _("L'attività non è prevista per questa tipologia di percorso.")
MSG_ACTIVITY_BEFORE_INTAKE = _("L'attività non può precedere la presa in carico.")

_CLOSED_REFERRAL = (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN, ReferralStatus.CLOSED)
_OPEN_REFERRAL = (ReferralStatus.RECEIVED, ReferralStatus.TAKEN_IN_CHARGE)
_ENDED_PATHWAY = (PathwayStatus.COMPLETED, PathwayStatus.INTERRUPTED)


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
    _not_future(referred_on, "referred_on")
    if intake_deadline_days < INTAKE_DEADLINE_DAYS:
        raise ValidationError({"intake_deadline_days": MSG_DEADLINE_TOO_SHORT})
    if intake_deadline_days > INTAKE_DEADLINE_DAYS and not (
        group_name.strip() and deadline_reason.strip()
    ):
        raise ValidationError({"intake_deadline_days": MSG_LONGER_DEADLINE_NEEDS_GROUP})
    # Lock the person so that two simultaneous referrals of the same person cannot both pass,
    # and so that a change of residence running at the same moment is seen.
    locked = Beneficiary.objects.select_for_update().filter(pk=beneficiary.pk).first()
    residence_id = locked.residence_comune_id if locked else beneficiary.residence_comune_id
    if residence_id != comune.pk:
        # A referral comes from the person's residence Comune (the import refuses the same row):
        # otherwise a Comune would pull another Comune's resident into its scope and exports.
        raise ValidationError({"comune": MSG_OTHER_RESIDENCE})
    if beneficiary.referrals.filter(status__in=_OPEN_REFERRAL).exists():
        raise ValidationError(MSG_OPEN_REFERRAL_EXISTS)
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
        person.referrals.filter(status__in=_OPEN_REFERRAL).select_related("comune").first()
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


def _build_checklist(pathway, chosen=()):
    wanted = activities_for(pathway.pathway_type, chosen)
    existing = set(pathway.activities.values_list("activity", flat=True))
    # Items already done stay (they happened); undone items not in the new plan go.
    pathway.activities.exclude(activity__in=wanted).filter(done_on__isnull=True).delete()
    PathwayActivity.objects.bulk_create(
        PathwayActivity(pathway=pathway, activity=code) for code in wanted if code not in existing
    )


@transaction.atomic
def take_in_charge(referral, *, on, user, pathway_type=None, chosen_activities=()):
    """Intake ("presa in carico"): creates and returns the pathway with its activity checklist;
    the desk activity is recorded as done on the intake day."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.RECEIVED:
        raise ValidationError(MSG_NOT_RECEIVED)
    _not_future(on, "on")
    if on < referral.referred_on:
        raise ValidationError({"on": MSG_INTAKE_BEFORE_REFERRAL})
    pathway_type = pathway_type or referral.proposed_pathway_type
    if not pathway_type:
        raise ValidationError({"pathway_type": MSG_PATHWAY_TYPE_REQUIRED})
    if pathway_type == PathwayType.PERSONALIZZATO and not chosen_activities:
        raise ValidationError({"chosen_activities": MSG_PERSONALISED_NEEDS_ACTIVITIES})
    pathway = Pathway(
        referral=referral,
        comune_id=referral.comune_id,
        pathway_type=pathway_type,
        intake_on=on,
        activation_due_on=_deadlines.activation_due(on),
        status=PathwayStatus.INTAKE,
        operator=user if user is not None and user.is_authenticated else None,
    )
    pathway.full_clean()
    pathway.save()
    _build_checklist(pathway, chosen_activities)
    pathway.activities.filter(activity="desk").update(done_on=on, done_by=pathway.operator)
    referral.status = ReferralStatus.TAKEN_IN_CHARGE
    referral.full_clean()
    referral.save(update_fields=["status", "updated_at"])
    referral.save_revision(user=user, log_action=True)
    pathway.save_revision(user=user, log_action=True)
    _history(referral, "casework.take_in_charge", user, on=on.isoformat())
    return pathway


@transaction.atomic
def define_pathway(
    pathway,
    *,
    user,
    pathway_type=None,
    chosen_activities=None,
    first_interview_on=None,
    assessment=None,
    cv_summary=None,
    position=None,
    planned_end_on=None,
    hours_per_week=None,
    planned_tutoring_hours=None,
):
    """The agreed project: type, interview, assessment, CV, host position and hours. Moves the
    pathway to "ricerca postazione" (matching)."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.status not in _deadlines.WAITING_ACTIVATION:
        raise ValidationError(MSG_PATHWAY_NOT_BEING_DEFINED)
    if pathway_type:
        pathway.pathway_type = pathway_type
    if (
        pathway.pathway_type == PathwayType.PERSONALIZZATO
        and chosen_activities is not None
        and not chosen_activities
    ):
        raise ValidationError({"chosen_activities": MSG_PERSONALISED_NEEDS_ACTIVITIES})
    if first_interview_on is not None:
        _not_future(first_interview_on, "first_interview_on")
        if first_interview_on < pathway.intake_on:
            raise ValidationError({"first_interview_on": MSG_INTERVIEW_BEFORE_INTAKE})
        pathway.first_interview_on = first_interview_on
    for name, value in (
        ("assessment", assessment),
        ("cv_summary", cv_summary),
        ("planned_end_on", planned_end_on),
        ("hours_per_week", hours_per_week),
        ("planned_tutoring_hours", planned_tutoring_hours),
    ):
        if value is not None:
            setattr(pathway, name, value)
    if position is not None:
        _check_position(pathway, position)
        pathway.position = position
        pathway.host_id = position.host_id
    pathway.status = PathwayStatus.MATCHING
    pathway.full_clean()
    pathway.save()
    if pathway_type or chosen_activities is not None:
        if pathway.pathway_type == PathwayType.PERSONALIZZATO:
            chosen = chosen_activities
            if chosen is None:
                chosen = list(pathway.activities.values_list("activity", flat=True))
        else:
            chosen = ()
        _build_checklist(pathway, chosen)
    if first_interview_on is not None:
        pathway.activities.filter(activity="first_interview", done_on__isnull=True).update(
            done_on=first_interview_on, done_by=user if user and user.is_authenticated else None
        )
    pathway.save_revision(user=user, log_action=True)
    return pathway


def _check_position(pathway, position):
    """Every way a position is set (define, activate, place) takes a seat, so each one re-checks
    the position under a row lock: open, suited to the type, host approved, reserved Comune,
    free seats. Keeping the position the pathway already holds takes nothing new."""
    from network.choices import OrganisationStatus, PositionStatus
    from network.models import Position
    from network.selectors import seats_in_use

    if (
        pathway.pathway_type != PathwayType.PERSONALIZZATO
        and not position.pathway_types.filter(pk=pathway.pathway_type).exists()
    ):
        raise ValidationError({"position": MSG_POSITION_WRONG_TYPE})
    if position.pk == pathway.position_id:
        return
    # Lock only the position row (PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to the reserved Comune).
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("host", "reserved_for_comune")
        .get(pk=position.pk)
    )
    if position.status != PositionStatus.OPEN:
        raise ValidationError({"position": MSG_POSITION_NOT_OPEN})
    if position.host.status != OrganisationStatus.APPROVED:
        raise ValidationError({"position": MSG_HOST_NOT_APPROVED})
    residence_id = pathway.referral.beneficiary.residence_comune_id
    if position.reserved_for_comune_id and position.reserved_for_comune_id != residence_id:
        raise ValidationError(
            {"position": MSG_POSITION_RESERVED % {"comune": position.reserved_for_comune}}
        )
    if seats_in_use(position, exclude_pathway_id=pathway.pk) >= position.seats:
        raise ValidationError({"position": MSG_POSITION_FULL})


@transaction.atomic
def activate_pathway(pathway, *, on, user, position=None):
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.status not in _deadlines.WAITING_ACTIVATION:
        raise ValidationError(MSG_PATHWAY_NOT_BEING_DEFINED)
    _not_future(on, "on")
    if on < pathway.intake_on:
        raise ValidationError({"on": MSG_ACTIVATION_BEFORE_INTAKE})
    if position is not None:
        _check_position(pathway, position)
        pathway.position = position
        pathway.host_id = position.host_id
    if pathway.position_id is None and pathway.pathway_type != PathwayType.PERSONALIZZATO:
        raise ValidationError({"position": MSG_ACTIVATION_NEEDS_POSITION})
    pathway.activated_on = on
    pathway.status = PathwayStatus.ACTIVE
    pathway.full_clean()
    pathway.save()
    pathway.activities.filter(activity="match", done_on__isnull=True).update(
        done_on=on, done_by=user if user and user.is_authenticated else None
    )
    pathway.save_revision(user=user, log_action=True)
    _history(pathway, "casework.activate", user, on=on.isoformat())
    return pathway


def _close(pathway, *, on, status, outcome, note, user):
    pathway.status = status
    pathway.ended_on = on
    pathway.outcome = outcome
    pathway.outcome_note = note
    pathway.full_clean()
    pathway.save()
    referral = Referral.objects.select_for_update().get(pk=pathway.referral_id)
    referral.status = ReferralStatus.CLOSED
    referral.save(update_fields=["status", "updated_at"])
    pathway.save_revision(user=user, log_action=True)
    referral.save_revision(user=user, log_action=True)


@transaction.atomic
def complete_pathway(pathway, *, on, outcome, user, note=""):
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.status != PathwayStatus.ACTIVE:
        raise ValidationError(MSG_NOT_ACTIVE)
    if not outcome:
        raise ValidationError({"outcome": MSG_OUTCOME_REQUIRED})
    _not_future(on, "on")
    if on < pathway.activated_on:
        raise ValidationError({"on": MSG_END_BEFORE_START})
    _close(pathway, on=on, status=PathwayStatus.COMPLETED, outcome=outcome, note=note, user=user)
    _history(pathway, "casework.complete", user, on=on.isoformat(), outcome=outcome)
    return pathway


@transaction.atomic
def interrupt_pathway(pathway, *, on, reason, user, outcome="dropped_out"):
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.status in _ENDED_PATHWAY:
        raise ValidationError(MSG_ALREADY_ENDED)
    reason = _required_text(reason, "reason")
    _not_future(on, "on")
    start = pathway.activated_on or pathway.intake_on
    if on < start:
        raise ValidationError({"on": MSG_END_BEFORE_START})
    _close(
        pathway, on=on, status=PathwayStatus.INTERRUPTED, outcome=outcome, note=reason, user=user
    )
    _history(pathway, "casework.interrupt", user, on=on.isoformat())
    return pathway


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
    if referral.status != ReferralStatus.RECEIVED:
        raise ValidationError(MSG_NOT_RECEIVED)
    reason = _required_text(reason, "reason")
    return _set_referral_status(referral, ReferralStatus.DECLINED, reason, user, "casework.decline")


@transaction.atomic
def withdraw_referral(referral, *, reason, user, on=None):
    """The Comune withdraws the referral; a pathway not yet active is interrupted with it."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    reason = _required_text(reason, "reason")
    if referral.status == ReferralStatus.TAKEN_IN_CHARGE:
        pathways = list(referral.pathways.select_for_update().exclude(status__in=_ENDED_PATHWAY))
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
    elif referral.status != ReferralStatus.RECEIVED:
        raise ValidationError(MSG_CANNOT_WITHDRAW)
    return _set_referral_status(
        referral, ReferralStatus.WITHDRAWN, reason, user, "casework.withdraw"
    )


@transaction.atomic
def reopen_referral(referral, *, on, reason, user):
    """Back to "ricevuta": a new intake deadline runs from the day of reopening."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in _CLOSED_REFERRAL:
        raise ValidationError(MSG_NOT_CLOSED)
    reason = _required_text(reason, "reason")
    _not_future(on, "on")
    if on < referral.referred_on:
        raise ValidationError({"on": MSG_REOPEN_BEFORE_REFERRAL})
    others = referral.beneficiary.referrals.exclude(pk=referral.pk)
    if others.filter(status__in=_OPEN_REFERRAL).exists():
        raise ValidationError(MSG_OPEN_REFERRAL_EXISTS)
    referral.intake_due_on = _deadlines.intake_due(on, referral.intake_deadline_days)
    referral.save(update_fields=["intake_due_on"])
    return _set_referral_status(referral, ReferralStatus.RECEIVED, reason, user, "casework.reopen")


@transaction.atomic
def record_activity(activity, *, on, user, note=""):
    """Ticks an item of the pathway's checklist with its date and who did it."""
    activity = PathwayActivity.objects.select_related("pathway").get(pk=activity.pk)
    _not_future(on, "on")
    if on < activity.pathway.intake_on:
        raise ValidationError({"on": MSG_ACTIVITY_BEFORE_INTAKE})
    activity.done_on = on
    activity.done_by = user if user and user.is_authenticated else None
    activity.note = note
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def add_activity(pathway, *, activity, user):
    """A personalised project chooses its activities case by case."""
    if pathway.pathway_type != PathwayType.PERSONALIZZATO:
        raise ValidationError({"activity": MSG_ACTIVITY_NOT_IN_PLAN})
    item, _created = PathwayActivity.objects.get_or_create(pathway=pathway, activity=activity)
    return item


@transaction.atomic
def record_follow_up(pathway, *, on, situation, user, note=""):
    pathway = Pathway.objects.get(pk=pathway.pk)
    if pathway.status not in _ENDED_PATHWAY:
        raise ValidationError(MSG_FOLLOW_UP_NOT_ENDED)
    _not_future(on, "on")
    if pathway.ended_on and on < pathway.ended_on:
        raise ValidationError({"on": MSG_FOLLOW_UP_BEFORE_END})
    follow_up = FollowUp(
        pathway=pathway,
        on=on,
        situation=situation,
        note=note,
        recorded_by=user if user and user.is_authenticated else None,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


# --- Money: vouchers, budgets, team-meeting decisions ------------------------------------------

CENT = _Decimal("0.01")

MSG_NO_EDITION = _("Nessuna edizione del programma comprende il %(date)s.")
MSG_NO_TARIFF = _("L'edizione %(edition)s non ha una tariffa per «%(kind)s».")
MSG_NO_BUDGET = _("Il Comune di %(comune)s non ha un budget per l'edizione %(edition)s.")
MSG_BUDGET_EXCEEDED = _(
    "Budget del Comune di %(comune)s (edizione %(edition)s) superato di %(excess)s: "
    "disponibili %(remaining)s, il voucher vale %(gross)s."
)
MSG_QUANTITY_POSITIVE = _("La quantità deve essere maggiore di zero.")
MSG_ACTIVATION_QUANTITY = _("Un voucher di attivazione ha quantità 1.")
MSG_KIND_NOT_FOR_PATHWAY = _(
    "Questo voucher non è previsto per la tipologia di percorso «%(type)s»."
)
MSG_TUTORING_NOT_PLANNED = _("Il tutoraggio non è previsto per questo percorso.")
MSG_TIMESHEETS_NOT_PLANNED = _("I fogli ore non sono previsti per questo percorso.")
MSG_ACTIVATION_EXISTS = _("Il percorso ha già un voucher di questo tipo proposto o approvato.")
MSG_HIRING_NEEDS_HOST = _(
    "Per il voucher di assunzione il percorso deve indicare l'ente ospitante."
)
MSG_HIRING_AFTER_TRAINEESHIP = _(
    "Il voucher di assunzione non spetta: la persona ha già svolto un tirocinio presso lo "
    "stesso ente (%(host)s)."
)
MSG_PATHWAY_CLOSED_BEFORE_START = _("Il percorso è stato interrotto prima dell'attivazione.")
MSG_NOT_PROPOSED = _("Il voucher non è in attesa di decisione.")
MSG_CANNOT_CANCEL = _(
    "Si può annullare solo un voucher proposto o approvato, non ancora fatturato."
)
MSG_NOT_APPROVED = _("Solo un voucher approvato può essere fatturato.")
MSG_NOT_INVOICED = _("Solo un voucher fatturato può essere segnato come pagato.")
MSG_MEETING_IN_FUTURE = _("Le decisioni si registrano a équipe avvenuta, non prima della data.")
MSG_UNKNOWN_DECISION = _("Decisione non valida.")
MSG_NO_DECISIONS = _("Nessuna decisione da registrare.")
MSG_SESSION_BEFORE_ACTIVATION = _("Il tutoraggio si registra a percorso attivato, non prima.")
MSG_SESSION_AFTER_END = _("La data è successiva alla conclusione del percorso.")
MSG_HOURS_POSITIVE = _("Le ore devono essere maggiori di zero.")
MSG_HALF_HOURS = _("Le ore si registrano a mezz'ore (es. 1,5).")
MSG_TUTORING_OVER_APPROVED = _(
    "Ore di tutoraggio oltre quelle approvate: approvate %(approved)s, già registrate "
    "%(done)s, questo incontro %(hours)s."
)
MSG_MONTH_BEFORE_ACTIVATION = _("Il mese precede l'attivazione del percorso.")
MSG_HOURS_IN_MONTH = _("Le ore lavorate superano quelle possibili in un mese.")
MSG_DELIVERY_BEFORE_MONTH = _("La consegna non può precedere il mese del foglio ore.")
MSG_LINE_OTHER_COMUNE = _("Il voucher appartiene a un altro Comune o a un'altra edizione.")
MSG_LINE_VOUCHER_NOT_COMMITTED = _("Il voucher abbinato non è approvato.")
MSG_LINE_GROSS_MISMATCH = _("Il lordo deve essere la somma di netto e IVA.")

_ACTIVATION_KINDS = (_VoucherKind.TRAINEESHIP_ACTIVATION, _VoucherKind.HIRING_ACTIVATION)
_LIVE_VOUCHER = (_VoucherStatus.PROPOSED, *_COMMITTED)
# Which activation a pathway type can be charged: a traineeship places the person, hiring is the
# "inserimento" with a contract. A personalised project may need either.
VOUCHER_PATHWAY_TYPES = {
    _VoucherKind.TRAINEESHIP_ACTIVATION: (
        PathwayType.ASSISTENZIALE,
        PathwayType.TIROCINIO,
        PathwayType.PERSONALIZZATO,
    ),
    _VoucherKind.HIRING_ACTIVATION: (
        PathwayType.TIROCINIO,
        PathwayType.INSERIMENTO,
        PathwayType.PERSONALIZZATO,
    ),
    _VoucherKind.TUTORING_HOUR: tuple(PathwayType.values),  # decided by the activity plan
}
DECISION_APPROVE = "approve"
DECISION_REJECT = "reject"
MAX_MONTH_HOURS = _Decimal("744")  # 31 days x 24 hours


def to_cents(value):
    return _Decimal(value).quantize(CENT, rounding=_ROUND_HALF_UP)


def voucher_amounts(unit_net, vat_rate, quantity):
    """(net, vat, gross) of one voucher line, each rounded half-up to the cent."""
    net = to_cents(_Decimal(unit_net) * _Decimal(quantity))
    vat = to_cents(net * _Decimal(vat_rate) / 100)
    return net, vat, net + vat


def edition_on(on):
    edition = _Edition.objects.filter(starts_on__lte=on, ends_on__gte=on).first()
    if edition is None:
        raise ValidationError(MSG_NO_EDITION % {"date": on.strftime("%d/%m/%Y")})
    return edition


def tariff_for(edition, kind):
    tariff = _Tariff.objects.filter(edition=edition, kind=kind).first()
    if tariff is None:
        raise ValidationError(
            MSG_NO_TARIFF % {"edition": edition, "kind": _VoucherKind(kind).label}
        )
    return tariff


def _pathway_has(pathway, activity):
    chosen = ()
    if pathway.pathway_type == PathwayType.PERSONALIZZATO:
        chosen = tuple(pathway.activities.values_list("activity", flat=True))
    return _has_activity(pathway.pathway_type, activity, chosen)


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _check_hiring(pathway):
    if pathway.host_id is None:
        raise ValidationError({"kind": MSG_HIRING_NEEDS_HOST})
    beneficiary_id = pathway.referral.beneficiary_id
    same_place = Pathway.objects.filter(
        referral__beneficiary_id=beneficiary_id, host_id=pathway.host_id
    )
    traineeship = (
        _Voucher.objects.filter(
            pathway__in=same_place,
            kind=_VoucherKind.TRAINEESHIP_ACTIVATION,
            status__in=_LIVE_VOUCHER,
        ).exists()
        or same_place.filter(
            pathway_type=PathwayType.TIROCINIO, activated_on__isnull=False
        ).exists()
    )
    if traineeship:
        raise ValidationError({"kind": MSG_HIRING_AFTER_TRAINEESHIP % {"host": pathway.host}})


@transaction.atomic
def create_voucher(pathway, *, kind, quantity=1, user, on=None, note=""):
    """A proposed voucher at the tariff of the edition that contains ``on`` (by default the
    pathway's activation, or its intake while not yet active), charged to the referring Comune.
    The tariff is copied, so a later tariff change leaves the voucher as it is."""
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("referral", "host")
        .get(pk=pathway.pk)
    )
    quantity = _Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": MSG_QUANTITY_POSITIVE})
    if pathway.status == PathwayStatus.INTERRUPTED and pathway.activated_on is None:
        raise ValidationError(MSG_PATHWAY_CLOSED_BEFORE_START)
    if pathway.pathway_type not in VOUCHER_PATHWAY_TYPES[kind]:
        raise ValidationError(
            {"kind": MSG_KIND_NOT_FOR_PATHWAY % {"type": pathway.get_pathway_type_display()}}
        )
    if kind == _VoucherKind.TUTORING_HOUR:
        if not _pathway_has(pathway, _Activity.TUTORING):
            raise ValidationError({"kind": MSG_TUTORING_NOT_PLANNED})
    else:
        if quantity != 1:
            raise ValidationError({"quantity": MSG_ACTIVATION_QUANTITY})
        if pathway.vouchers.filter(kind=kind, status__in=_LIVE_VOUCHER).exists():
            raise ValidationError({"kind": MSG_ACTIVATION_EXISTS})
        if kind == _VoucherKind.HIRING_ACTIVATION:
            _check_hiring(pathway)
    on = on or pathway.activated_on or pathway.intake_on
    edition = edition_on(on)
    tariff = tariff_for(edition, kind)
    net, vat, gross = voucher_amounts(tariff.net_amount, tariff.vat_rate, quantity)
    voucher = _Voucher(
        pathway=pathway,
        comune_id=pathway.referral.comune_id,
        edition=edition,
        kind=kind,
        quantity=quantity,
        unit_net=tariff.net_amount,
        vat_rate=tariff.vat_rate,
        net=net,
        vat=vat,
        gross=gross,
        status=_VoucherStatus.PROPOSED,
        decision_note=note,
        created_by=_user_or_none(user),
    )
    voucher.full_clean()
    voucher.save()
    voucher.save_revision(user=user, log_action=True)
    return voucher


def _locked_voucher(voucher):
    return (
        _Voucher.objects.select_for_update(of=("self",))
        .select_related("comune", "edition")
        .get(pk=voucher.pk)
    )


def _decide(voucher, *, status, user, meeting, note, action):
    voucher.status = status
    voucher.meeting = meeting
    voucher.decided_by = _user_or_none(user)
    voucher.decided_at = _timezone.now()
    if note:
        voucher.decision_note = note
    voucher.full_clean()
    voucher.save()
    voucher.save_revision(user=user, log_action=True)
    data = {"meeting": meeting.pk if meeting else None, "gross": str(voucher.gross)}
    _history(voucher, action, user, **data)
    if meeting is not None:
        _history(meeting, action, user, voucher=voucher.pk, gross=str(voucher.gross))
    return voucher


def _check_meeting(meeting):
    if meeting is not None and meeting.held_on > _deadlines.today():
        raise ValidationError(MSG_MEETING_IN_FUTURE)


@transaction.atomic
def approve_voucher(voucher, *, user, meeting=None, note=""):
    """Approval against the Comune's budget. The budget row is locked first, so two approvals
    running at the same moment are counted one after the other and cannot overspend together."""
    voucher = _locked_voucher(voucher)
    if voucher.status != _VoucherStatus.PROPOSED:
        raise ValidationError(MSG_NOT_PROPOSED)
    _check_meeting(meeting)
    budget = (
        _Budget.objects.select_for_update()
        .filter(comune_id=voucher.comune_id, edition_id=voucher.edition_id)
        .first()
    )
    names = {"comune": voucher.comune, "edition": voucher.edition}
    if budget is None:
        raise ValidationError(MSG_NO_BUDGET % names)
    remaining = budget.amount - _committed_total(budget)
    if voucher.gross > remaining:
        raise ValidationError(
            MSG_BUDGET_EXCEEDED
            % {
                **names,
                "excess": _format_euro(voucher.gross - remaining),
                "remaining": _format_euro(remaining),
                "gross": _format_euro(voucher.gross),
            }
        )
    return _decide(
        voucher,
        status=_VoucherStatus.APPROVED,
        user=user,
        meeting=meeting,
        note=note,
        action="casework.voucher_approve",
    )


@transaction.atomic
def reject_voucher(voucher, *, user, reason, meeting=None):
    voucher = _locked_voucher(voucher)
    if voucher.status != _VoucherStatus.PROPOSED:
        raise ValidationError(MSG_NOT_PROPOSED)
    _check_meeting(meeting)
    reason = _required_text(reason, "reason")
    return _decide(
        voucher,
        status=_VoucherStatus.REJECTED,
        user=user,
        meeting=meeting,
        note=reason,
        action="casework.voucher_reject",
    )


@transaction.atomic
def cancel_voucher(voucher, *, user, reason):
    """Frees the budget of a voucher that will not be delivered (e.g. the pathway never started)."""
    voucher = _locked_voucher(voucher)
    if voucher.status not in (_VoucherStatus.PROPOSED, _VoucherStatus.APPROVED):
        raise ValidationError(MSG_CANNOT_CANCEL)
    reason = _required_text(reason, "reason")
    voucher.status = _VoucherStatus.CANCELLED
    voucher.decision_note = reason
    voucher.full_clean()
    voucher.save()
    voucher.save_revision(user=user, log_action=True)
    _history(voucher, "casework.voucher_cancel", user)
    return voucher


def _advance_voucher(voucher, *, user, expected, to, error, action):
    """Billing steps only move forward: approved -> invoiced -> paid."""
    voucher = _locked_voucher(voucher)
    if voucher.status != expected:
        raise ValidationError(error)
    voucher.status = to
    voucher.save(update_fields=["status"])
    voucher.save_revision(user=user, log_action=True)
    _history(voucher, action, user)
    return voucher


@transaction.atomic
def mark_voucher_invoiced(voucher, *, user):
    return _advance_voucher(
        voucher,
        user=user,
        expected=_VoucherStatus.APPROVED,
        to=_VoucherStatus.INVOICED,
        error=MSG_NOT_APPROVED,
        action="casework.voucher_invoiced",
    )


@transaction.atomic
def mark_voucher_paid(voucher, *, user):
    return _advance_voucher(
        voucher,
        user=user,
        expected=_VoucherStatus.INVOICED,
        to=_VoucherStatus.PAID,
        error=MSG_NOT_INVOICED,
        action="casework.voucher_paid",
    )


@transaction.atomic
def record_meeting_decisions(meeting, *, decisions, user):
    """The joint team's decisions on several vouchers at once: ``decisions`` is a list of
    ``(voucher, "approve" | "reject", note)``. All or nothing: if any decision is refused (e.g. a
    budget would be exceeded) none is saved, and the error names each voucher refused."""
    meeting = _TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting)
    if not decisions:
        raise ValidationError(MSG_NO_DECISIONS)
    errors = {}
    decided = []
    # Approvals in a fixed order (by pk) so that concurrent meetings lock budgets alike.
    for voucher, decision, note in sorted(decisions, key=lambda d: d[0].pk):
        try:
            with transaction.atomic():
                if decision == DECISION_APPROVE:
                    decided.append(approve_voucher(voucher, user=user, meeting=meeting, note=note))
                elif decision == DECISION_REJECT:
                    decided.append(reject_voucher(voucher, user=user, meeting=meeting, reason=note))
                else:
                    raise ValidationError(MSG_UNKNOWN_DECISION)
        except ValidationError as error:
            errors[f"voucher_{voucher.pk}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return decided


def _hours(value):
    """Hours the Italian way: 4 -> "4", 1.50 -> "1,5"."""
    text = f"{_Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _approved_tutoring_hours(pathway):
    return _Decimal(
        pathway.vouchers.filter(kind=_VoucherKind.TUTORING_HOUR, status__in=_COMMITTED).aggregate(
            total=_Sum("quantity")
        )["total"]
        or 0
    )


@transaction.atomic
def record_tutoring_session(pathway, *, on, hours, user, note=""):
    """An hour of tutoring is charged at the tutoring tariff, so only pathways that plan tutoring
    record it, only while the pathway runs, and never past the hours the team approved."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not _pathway_has(pathway, _Activity.TUTORING):
        raise ValidationError(MSG_TUTORING_NOT_PLANNED)
    hours = _Decimal(hours)
    if hours <= 0:
        raise ValidationError({"hours": MSG_HOURS_POSITIVE})
    if hours * 2 != (hours * 2).to_integral_value():
        raise ValidationError({"hours": MSG_HALF_HOURS})
    _not_future(on, "on")
    if pathway.activated_on is None or on < pathway.activated_on:
        raise ValidationError({"on": MSG_SESSION_BEFORE_ACTIVATION})
    if pathway.ended_on and on > pathway.ended_on:
        raise ValidationError({"on": MSG_SESSION_AFTER_END})
    approved = _approved_tutoring_hours(pathway)
    done = _Decimal(pathway.tutoring_sessions.aggregate(total=_Sum("hours"))["total"] or 0)
    if done + hours > approved:
        raise ValidationError(
            {
                "hours": MSG_TUTORING_OVER_APPROVED
                % {"approved": _hours(approved), "done": _hours(done), "hours": _hours(hours)}
            }
        )
    session = _TutoringSession(
        pathway=pathway, on=on, hours=hours, operator=_user_or_none(user), note=note
    )
    session.full_clean()
    session.save()
    pathway.activities.filter(activity=_Activity.TUTORING, done_on__isnull=True).update(
        done_on=on, done_by=_user_or_none(user)
    )
    return session


@transaction.atomic
def record_timesheet(
    pathway,
    *,
    month,
    hours_worked,
    user,
    payslip_delivered_on=None,
    cud_delivered_on=None,
):
    """The month's timesheet (created or corrected), for pathways whose plan includes them."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not _pathway_has(pathway, _Activity.TIMESHEETS):
        raise ValidationError(MSG_TIMESHEETS_NOT_PLANNED)
    month = month.replace(day=1)
    _not_future(month, "month")
    if pathway.activated_on is None or month < pathway.activated_on.replace(day=1):
        raise ValidationError({"month": MSG_MONTH_BEFORE_ACTIVATION})
    hours_worked = _Decimal(hours_worked)
    if hours_worked < 0 or hours_worked > MAX_MONTH_HOURS:
        raise ValidationError({"hours_worked": MSG_HOURS_IN_MONTH})
    for field, value in (
        ("payslip_delivered_on", payslip_delivered_on),
        ("cud_delivered_on", cud_delivered_on),
    ):
        if value is not None:
            _not_future(value, field)
            if value < month:
                raise ValidationError({field: MSG_DELIVERY_BEFORE_MONTH})
    sheet = _Timesheet.objects.filter(pathway=pathway, month=month).first() or _Timesheet(
        pathway=pathway, month=month
    )
    sheet.hours_worked = hours_worked
    sheet.payslip_delivered_on = payslip_delivered_on
    sheet.cud_delivered_on = cud_delivered_on
    sheet.full_clean()
    sheet.save()
    return sheet


def check_invoice_line(invoice, *, voucher, net, vat, gross):
    """A line of an agency invoice: its voucher (if any) is the same Comune's and edition's and
    was approved; the amounts are kept as invoiced, differences show in the invoice check."""
    errors = {}
    if to_cents(net) + to_cents(vat) != to_cents(gross):
        errors["gross"] = MSG_LINE_GROSS_MISMATCH
    if voucher is not None:
        if voucher.comune_id != invoice.comune_id or voucher.edition_id != invoice.edition_id:
            errors["voucher"] = MSG_LINE_OTHER_COMUNE
        elif voucher.status not in _COMMITTED:
            errors["voucher"] = MSG_LINE_VOUCHER_NOT_COMMITTED
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_invoice(*, comune, edition, number, issued_on, period_start, period_end, lines, user):
    """An agency invoice as received, with its lines matched to vouchers. ``lines`` are dicts
    with ``description``, ``voucher`` (or None), ``quantity``, ``net``, ``vat`` and ``gross``.
    Matched vouchers still "approved" become "invoiced"."""
    invoice = _Invoice(
        comune=comune,
        edition=edition,
        number=(number or "").strip(),
        issued_on=issued_on,
        period_start=period_start,
        period_end=period_end,
    )
    invoice.full_clean()
    invoice.save()
    for number_, data in enumerate(lines, start=1):
        voucher = data.get("voucher")
        try:
            check_invoice_line(
                invoice, voucher=voucher, net=data["net"], vat=data["vat"], gross=data["gross"]
            )
        except ValidationError as error:
            raise ValidationError({f"line_{number_}": error.messages}) from None
        line = _InvoiceLine(
            invoice=invoice,
            voucher=voucher,
            description=data.get("description") or (str(voucher) if voucher else ""),
            quantity=data.get("quantity", 1),
            net=to_cents(data["net"]),
            vat=to_cents(data["vat"]),
            gross=to_cents(data["gross"]),
        )
        line.full_clean(exclude=["invoice"])
        line.save()
    invoice.save_revision(user=user, log_action=True)
    sync_invoiced_vouchers(invoice, user=user)
    return invoice


def sync_invoiced_vouchers(invoice, *, user):
    """Vouchers matched by the invoice's lines move from approved to invoiced."""
    voucher_ids = invoice.lines.exclude(voucher=None).values_list("voucher_id", flat=True)
    for voucher in _Voucher.objects.filter(pk__in=voucher_ids, status=_VoucherStatus.APPROVED):
        mark_voucher_invoiced(voucher, user=user)


# --- Matching: placing a person at a position --------------------------------------------------

MSG_ALREADY_PLACED = _("La persona è già collocata presso una posizione.")
MSG_NOT_WAITING_FOR_MATCH = _("Il percorso non è in attesa di una postazione.")


@transaction.atomic
def place_at_position(pathway, *, position, user):
    """Place the person at a position. The position row is locked first, so the free seats
    counted here cannot be taken by a placement running at the same time."""
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("referral__beneficiary")
        .get(pk=pathway.pk)
    )
    if pathway.status not in _deadlines.WAITING_ACTIVATION:
        raise ValidationError(MSG_NOT_WAITING_FOR_MATCH)
    if pathway.position_id is not None:
        raise ValidationError({"position": MSG_ALREADY_PLACED})
    _check_position(pathway, position)
    pathway.position = position
    pathway.host_id = position.host_id
    pathway.status = PathwayStatus.MATCHING
    pathway.full_clean()
    pathway.save()
    pathway.save_revision(user=user, log_action=True)
    _history(pathway, "casework.place", user, position=position.pk, host=position.host_id)
    return pathway
