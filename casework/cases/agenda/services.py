"""Writes of the desk's agenda: book, move, cancel, record a no-show or the attendance of a first
appointment; make and revoke an operator's calendar-feed address. One transaction each, Italian
``ValidationError`` when a rule forbids.

Two appointments of one operator never overlap, also when two people book at the same moment:
every write that places an appointment first locks the operator's user row, so the overlap
check and the insert of one booking run before those of the next."""

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log as _log

from casework.cases.deadlines import WAITING_INTAKE
from casework.permissions.access import can_see_comune, is_agency_operator, is_programme_manager

from .models import (
    BUSY_STATUSES,
    Appointment,
    AppointmentChange,
    AppointmentStatus,
    CalendarFeedToken,
    DeskSettings,
)

MSG_NOT_WAITING_INTAKE = _(
    "La segnalazione non è in attesa della presa in carico: non si fissa il primo appuntamento."
)


MSG_NOT_ALLOWED = _(
    "Solo gli operatori dell'agenzia e il responsabile PAL fissano gli appuntamenti."
)


MSG_NOT_OPERATOR = _("L'appuntamento si fissa con un operatore dell'agenzia.")


MSG_IN_PAST = _("L'appuntamento non può essere nel passato.")


MSG_LATE_NEEDS_REASON = _(
    "L'appuntamento è dopo la scadenza della presa in carico (%(date)s): indicare il motivo "
    "del ritardo."
)


MSG_OVERLAP = _(
    "L'operatore ha già un appuntamento in quell'orario (%(start)s-%(end)s): scegliere un "
    "altro orario."
)


MSG_ALREADY_BOOKED = _(
    "La segnalazione ha già un appuntamento fissato: spostarlo invece di fissarne un altro."
)


MSG_NOT_BOOKED = _("L'appuntamento non è più in agenda: è già stato svolto, annullato o mancato.")


MSG_REASON_REQUIRED = _("Indicare la motivazione.")


MSG_NOT_YET = _("L'appuntamento non è ancora iniziato.")


MSG_DURATION = _("La durata deve essere tra 5 minuti e 8 ore.")


MSG_SAME_SLOT = _("Il nuovo orario è uguale a quello attuale.")


MIN_DURATION = datetime.timedelta(minutes=5)


MAX_DURATION = datetime.timedelta(hours=8)


# The referral's history (Wagtail log entries) names these actions.
LOG_BOOKED = "casework.appointment_booked"


LOG_RESCHEDULED = "casework.appointment_rescheduled"


LOG_CANCELLED = "casework.appointment_cancelled"


LOG_NO_SHOW = "casework.appointment_no_show"


LOG_ATTENDED = "casework.appointment_attended"


def default_duration():
    return datetime.timedelta(minutes=DeskSettings.load().slot_minutes)


def _date(value):
    return value.strftime("%d/%m/%Y")


def _required(value, field):
    if not (value or "").strip():
        raise ValidationError({field: MSG_REASON_REQUIRED})
    return value.strip()


def _check_user(user, referral):
    if not (is_agency_operator(user) or is_programme_manager(user)):
        raise ValidationError(MSG_NOT_ALLOWED)
    if not can_see_comune(user, referral.comune_id):
        raise ValidationError(MSG_NOT_ALLOWED)


def _lock_operator(operator):
    """The row every booking of this operator waits on (see the module's docstring)."""
    return get_user_model().objects.select_for_update().get(pk=operator.pk)


def _check_slot(referral, *, starts_at, ends_at, operator, late_reason, exclude_pk=None):
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if not is_agency_operator(operator):
        raise ValidationError({"operator": MSG_NOT_OPERATOR})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": MSG_IN_PAST})
    due = referral.intake_due_on
    late_reason = (late_reason or "").strip()
    if due is not None and timezone.localdate(starts_at) > due and not late_reason:
        raise ValidationError({"late_reason": MSG_LATE_NEEDS_REASON % {"date": _date(due)}})
    _lock_operator(operator)
    clash = (
        Appointment.objects.filter(
            operator=operator,
            status__in=BUSY_STATUSES,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        start = timezone.localtime(clash.starts_at)
        end = timezone.localtime(clash.ends_at)
        raise ValidationError(
            {
                "starts_at": MSG_OVERLAP
                % {"start": start.strftime("%d/%m/%Y %H:%M"), "end": end.strftime("%H:%M")}
            }
        )
    return starts_at, late_reason


def _ends_at(starts_at, duration):
    if duration is None:
        duration = default_duration()
    if not (MIN_DURATION <= duration <= MAX_DURATION):
        raise ValidationError({"duration": MSG_DURATION})
    return starts_at + duration


def _note(appointment, kind, user, *, old=None, new=None, reason="", action=None):
    AppointmentChange.objects.create(
        appointment=appointment,
        kind=kind,
        old_starts_at=old,
        new_starts_at=new,
        reason=reason,
        by=user if user is not None and user.is_authenticated else None,
    )
    if action:
        moment = timezone.localtime(new or old or appointment.starts_at)
        _log(
            instance=appointment.referral,
            action=action,
            user=user,
            data={"appointment": appointment.pk, "at": moment.strftime("%d/%m/%Y %H:%M")},
        )


def _locked_referral(referral):
    from casework.cases.models import Referral

    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def book_appointment(referral, *, starts_at, operator, user, duration=None, late_reason=""):
    """The person's first access at the desk: the referral waits for intake, the operator is
    the agency's, the slot is not past, free in the operator's agenda and, after the intake
    deadline, carries the reason of the delay. ``duration`` defaults to the desk's slot."""
    referral = _locked_referral(referral)
    _check_user(user, referral)
    if referral.status not in WAITING_INTAKE:
        raise ValidationError(MSG_NOT_WAITING_INTAKE)
    if referral.appointments.filter(status=AppointmentStatus.BOOKED).exists():
        raise ValidationError(MSG_ALREADY_BOOKED)
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    ends_at = _ends_at(starts_at, duration)
    starts_at, late_reason = _check_slot(
        referral, starts_at=starts_at, ends_at=ends_at, operator=operator, late_reason=late_reason
    )
    appointment = Appointment(
        referral=referral,
        operator=operator,
        starts_at=starts_at,
        ends_at=ends_at,
        late_reason=late_reason,
        created_by=user,
    )
    appointment.full_clean()
    appointment.save()
    _note(appointment, AppointmentChange.Kind.BOOKED, user, new=starts_at, action=LOG_BOOKED)
    return appointment


def _locked_booked(appointment):
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("referral")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(MSG_NOT_BOOKED)
    return appointment


@transaction.atomic
def reschedule_appointment(
    appointment, *, starts_at, user, reason, operator=None, duration=None, late_reason=None
):
    """Moves a booked appointment (same rules as booking), keeping the old moment and the
    reason in its history."""
    appointment = _locked_booked(appointment)
    referral = appointment.referral
    _check_user(user, referral)
    reason = _required(reason, "reason")
    if referral.status not in WAITING_INTAKE:
        raise ValidationError(MSG_NOT_WAITING_INTAKE)
    operator = operator or appointment.operator
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if duration is None:
        duration = appointment.ends_at - appointment.starts_at
    ends_at = _ends_at(starts_at, duration)
    if starts_at == appointment.starts_at and operator.pk == appointment.operator_id:
        raise ValidationError({"starts_at": MSG_SAME_SLOT})
    late_reason = appointment.late_reason if late_reason is None else late_reason
    starts_at, late_reason = _check_slot(
        referral,
        starts_at=starts_at,
        ends_at=ends_at,
        operator=operator,
        late_reason=late_reason,
        exclude_pk=appointment.pk,
    )
    old = appointment.starts_at
    appointment.starts_at = starts_at
    appointment.ends_at = ends_at
    appointment.operator = operator
    appointment.late_reason = late_reason
    appointment.full_clean()
    appointment.save()
    _note(
        appointment,
        AppointmentChange.Kind.RESCHEDULED,
        user,
        old=old,
        new=starts_at,
        reason=reason,
        action=LOG_RESCHEDULED,
    )
    return appointment


@transaction.atomic
def cancel_appointment(appointment, *, user, reason):
    appointment = _locked_booked(appointment)
    _check_user(user, appointment.referral)
    reason = _required(reason, "reason")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason
    appointment.full_clean()
    appointment.save(update_fields=["status", "cancel_reason", "updated_at"])
    _note(
        appointment,
        AppointmentChange.Kind.CANCELLED,
        user,
        old=appointment.starts_at,
        reason=reason,
        action=LOG_CANCELLED,
    )
    return appointment


@transaction.atomic
def record_no_show(appointment, *, user, reason):
    """The person did not come (once the slot has begun); the referral may get a new one."""
    appointment = _locked_booked(appointment)
    _check_user(user, appointment.referral)
    reason = _required(reason, "reason")
    if appointment.starts_at > timezone.now():
        raise ValidationError(MSG_NOT_YET)
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.no_show_reason = reason
    appointment.full_clean()
    appointment.save(update_fields=["status", "no_show_reason", "updated_at"])
    _note(
        appointment,
        AppointmentChange.Kind.NO_SHOW,
        user,
        old=appointment.starts_at,
        reason=reason,
        action=LOG_NO_SHOW,
    )
    return appointment


@transaction.atomic
def record_attendance(appointment, *, user, note=""):
    """The person came to the desk. Intake itself stays ``take_in_charge``: the checklist's desk
    and first-interview items belong to the pathway, which intake creates."""
    appointment = _locked_booked(appointment)
    _check_user(user, appointment.referral)
    if appointment.starts_at > timezone.now():
        raise ValidationError(MSG_NOT_YET)
    appointment.status = AppointmentStatus.ATTENDED
    appointment.full_clean()
    appointment.save(update_fields=["status", "updated_at"])
    _note(
        appointment,
        AppointmentChange.Kind.ATTENDED,
        user,
        old=appointment.starts_at,
        reason=(note or "").strip(),
        action=LOG_ATTENDED,
    )
    return appointment


# --- The operator's calendar feed -------------------------------------------------------------


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_feed_token(*, user):
    """A new secret for ``user``'s feed; every earlier one is revoked. Returns the token in
    clear: it is stored only as its hash, so this is the one moment it can be shown."""
    if not (is_agency_operator(user) or is_programme_manager(user)):
        raise ValidationError(MSG_NOT_ALLOWED)
    revoke_feed_tokens(user=user)
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(user=user, token_hash=hash_token(token))
    return token


@transaction.atomic
def revoke_feed_tokens(*, user):
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
