"""Writes of what the agency delivers: tutoring sessions and monthly timesheets, never past what was approved."""

from decimal import Decimal as _Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum as _Sum
from django.utils.translation import gettext_lazy as _

from casework.audit.services import Action as _AuditAction
from casework.audit.services import record_event as _record_event
from casework.cases.choices import Activity as _Activity
from casework.cases.models import Pathway
from casework.cases.services.pathways import record_activity as _record_activity
from casework.cases.services.referrals import _not_future
from casework.permissions.access import can_see_comune as _can_see_comune

from .choices import COMMITTED_VOUCHER_STATUSES as _COMMITTED
from .choices import VoucherKind as _VoucherKind
from .models import Timesheet as _Timesheet
from .models import TutoringSession as _TutoringSession
from .services import (
    MSG_TIMESHEETS_NOT_PLANNED,
    MSG_TUTORING_NOT_PLANNED,
    _pathway_has,
    _user_or_none,
)

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


MSG_CORRECTION_NOT_ALLOWED = _("Non si possono correggere le registrazioni di questo percorso.")


MAX_MONTH_HOURS = _Decimal("744")  # 31 days x 24 hours


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


def _check_session(pathway, *, on, hours, exclude_pk=None):
    """The rules of a tutoring session, shared by recording and correcting; returns the hours."""
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
    others = pathway.tutoring_sessions.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    done = _Decimal(others.aggregate(total=_Sum("hours"))["total"] or 0)
    if done + hours > approved:
        raise ValidationError(
            {
                "hours": MSG_TUTORING_OVER_APPROVED
                % {"approved": _hours(approved), "done": _hours(done), "hours": _hours(hours)}
            }
        )
    return hours


def _tick(pathway, activity, *, on, user):
    """The checklist item of what was delivered is done on the first delivery (through the
    checklist's own service); an item already ticked keeps its date."""
    item = pathway.activities.filter(activity=activity, done_on__isnull=True).first()
    if item is not None:
        _record_activity(
            item, on=max(on, pathway.intake_on), user=_user_or_none(user), note=item.note
        )


def _require_correction(user, model, pathway):
    """Who may correct: whoever may record (the model's change permission, as the screens check)
    and sees the pathway's Comune."""
    codename = f"casework.change_{model._meta.model_name}"
    if user is None or not user.has_perm(codename) or not _can_see_comune(user, pathway.comune_id):
        raise PermissionDenied(MSG_CORRECTION_NOT_ALLOWED)


@transaction.atomic
def record_tutoring_session(pathway, *, on, hours, user, note=""):
    """An hour of tutoring is charged at the tutoring tariff, so only pathways that plan tutoring
    record it, only while the pathway runs, and never past the hours the team approved."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    hours = _check_session(pathway, on=on, hours=hours)
    session = _TutoringSession(
        pathway=pathway, on=on, hours=hours, operator=_user_or_none(user), note=note
    )
    session.full_clean()
    session.save()
    _tick(pathway, _Activity.TUTORING, on=on, user=user)
    _record_event(user, _AuditAction.CREATE, session, detail="tutoraggio registrato")
    return session


@transaction.atomic
def correct_tutoring_session(session, *, on, hours, user, note=""):
    """Corrects a session's date, hours and note under the same rules as recording it: the
    pathway's sessions together never go past the approved tutoring hours."""
    session = _TutoringSession.objects.select_related("pathway").get(pk=session.pk)
    pathway = Pathway.objects.select_for_update().get(pk=session.pathway_id)
    _require_correction(user, _TutoringSession, pathway)
    hours = _check_session(pathway, on=on, hours=hours, exclude_pk=session.pk)
    session.on = on
    session.hours = hours
    session.note = note
    session.full_clean()
    session.save()
    _record_event(user, _AuditAction.CHANGE, session, detail="tutoraggio corretto")
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
    hours_worked = _check_hours_worked(hours_worked)
    _check_deliveries(month, payslip_delivered_on, cud_delivered_on)
    existing = _Timesheet.objects.filter(pathway=pathway, month=month).first()
    sheet = existing or _Timesheet(pathway=pathway, month=month)
    sheet.hours_worked = hours_worked
    sheet.payslip_delivered_on = payslip_delivered_on
    sheet.cud_delivered_on = cud_delivered_on
    sheet.full_clean()
    sheet.save()
    _tick(pathway, _Activity.TIMESHEETS, on=max(month, pathway.activated_on), user=user)
    action = _AuditAction.CHANGE if existing else _AuditAction.CREATE
    _record_event(user, action, sheet, detail="foglio ore registrato")
    return sheet


def _check_hours_worked(hours_worked):
    hours_worked = _Decimal(hours_worked)
    if hours_worked < 0 or hours_worked > MAX_MONTH_HOURS:
        raise ValidationError({"hours_worked": MSG_HOURS_IN_MONTH})
    return hours_worked


def _check_deliveries(month, payslip_delivered_on, cud_delivered_on):
    for field, value in (
        ("payslip_delivered_on", payslip_delivered_on),
        ("cud_delivered_on", cud_delivered_on),
    ):
        if value is not None:
            _not_future(value, field)
            if value < month:
                raise ValidationError({field: MSG_DELIVERY_BEFORE_MONTH})


@transaction.atomic
def correct_timesheet(
    sheet, *, hours_worked, user, payslip_delivered_on=None, cud_delivered_on=None
):
    """Corrects a month's hours and the days the payslip and the CUD were handed over; the month
    itself stays (another month is another timesheet)."""
    sheet = _Timesheet.objects.get(pk=sheet.pk)
    pathway = Pathway.objects.select_for_update().get(pk=sheet.pathway_id)
    _require_correction(user, _Timesheet, pathway)
    sheet.hours_worked = _check_hours_worked(hours_worked)
    _check_deliveries(sheet.month, payslip_delivered_on, cud_delivered_on)
    sheet.payslip_delivered_on = payslip_delivered_on
    sheet.cud_delivered_on = cud_delivered_on
    sheet.full_clean()
    sheet.save()
    _record_event(user, _AuditAction.CHANGE, sheet, detail="foglio ore corretto")
    return sheet
