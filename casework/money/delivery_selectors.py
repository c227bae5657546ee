"""Reads of what the agency delivered on a pathway (tutoring sessions, monthly timesheets), shared
by the pathway's page and the correction screens: a fixed number of queries whatever the rows."""

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from casework.cases.choices import Activity
from casework.cases.rules import has_activity
from casework.cases.traineeship.allowance import timesheet_months
from network.choices import PathwayType

from .choices import COMMITTED_VOUCHER_STATUSES, VoucherKind
from .models import Timesheet, TutoringSession, Voucher

CORRECT_TUTORING_URL = "casework_correct_tutoring"
CORRECT_TIMESHEET_URL = "casework_correct_timesheet"
RECORD_TUTORING_URL = "casework_record_tutoring"
RECORD_TIMESHEET_URL = "casework_record_timesheet"


def _full_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def approved_tutoring_hours(pathway):
    total = Voucher.objects.filter(
        pathway=pathway,
        kind=VoucherKind.TUTORING_HOUR,
        status__in=COMMITTED_VOUCHER_STATUSES,
    ).aggregate(total=Sum("quantity"))["total"]
    return Decimal(total or 0)


def _plans(pathway):
    """Which of tutoring and timesheets the pathway's plan has (a personalised project's own
    checklist says, one query; the other types follow the programme's rules)."""
    chosen = ()
    if pathway.pathway_type == PathwayType.PERSONALIZZATO:
        chosen = tuple(pathway.activities.values_list("activity", flat=True))
    return (
        has_activity(pathway.pathway_type, Activity.TUTORING, chosen),
        has_activity(pathway.pathway_type, Activity.TIMESHEETS, chosen),
    )


def pathway_delivery(pathway, user):
    """The pathway's tutoring sessions (newest first, with the operator's full name), the hours
    delivered against the approved ones, and its timesheets (newest month first); correction and
    recording URLs only for a user who may use them and a plan that has them. Three queries (four
    for a personalised project)."""
    plans_tutoring, plans_timesheets = _plans(pathway)
    may_tutor = user.has_perm("casework.change_tutoringsession")
    may_sheet = user.has_perm("casework.change_timesheet")
    sessions = []
    done = Decimal(0)
    for session in (
        TutoringSession.objects.filter(pathway=pathway)
        .select_related("operator")
        .order_by("-on", "-pk")
    ):
        done += session.hours
        sessions.append(
            {
                "pk": session.pk,
                "on": session.on,
                "hours": session.hours,
                "operator": _full_name(session.operator),
                "note": session.note,
                "edit_url": reverse(CORRECT_TUTORING_URL, args=[session.pk]) if may_tutor else "",
            }
        )
    timesheets = [
        {
            "pk": sheet.pk,
            "month": sheet.month,
            "hours_worked": sheet.hours_worked,
            "payslip_delivered_on": sheet.payslip_delivered_on,
            "cud_delivered_on": sheet.cud_delivered_on,
            "edit_url": reverse(CORRECT_TIMESHEET_URL, args=[sheet.pk]) if may_sheet else "",
        }
        for sheet in Timesheet.objects.filter(pathway=pathway).order_by("-month")
    ]
    # A tirocinio: each month's attendance and the allowance due (DGR Lombardia 7763/2018).
    months = timesheet_months(pathway, [(t["month"], t["hours_worked"]) for t in timesheets])
    for sheet in timesheets:
        sheet["traineeship"] = months.get(sheet["month"])
    approved = approved_tutoring_hours(pathway)
    running = pathway.activated_on is not None
    return {
        "plans_tutoring": plans_tutoring,
        "plans_timesheets": plans_timesheets,
        "tutoring_sessions": sessions,
        "tutoring_hours_done": done,
        "tutoring_hours_approved": approved,
        "tutoring_hours_left": max(approved - done, Decimal(0)),
        "timesheets": timesheets,
        "timesheet_allowance": bool(months),
        "record_tutoring_url": (
            reverse(RECORD_TUTORING_URL, args=[pathway.pk])
            if running and plans_tutoring and user.has_perm("casework.add_tutoringsession")
            else ""
        ),
        "record_timesheet_url": (
            reverse(RECORD_TIMESHEET_URL, args=[pathway.pk])
            if running and plans_timesheets and user.has_perm("casework.add_timesheet")
            else ""
        ),
    }
