"""A tirocinio's month: the hours planned, the attendance and the allowance due. Money's timesheets
read it (cases never import money)."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from .choices import BelowAttendance
from .rules import WORKING_DAYS_PER_WEEK, minimum_allowance, rules_for, weekly_hours

CENT = Decimal("0.01")


def _cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def working_days(first, last):
    """Monday to Friday days from ``first`` to ``last`` included."""
    if last < first:
        return 0
    return sum(
        1
        for offset in range((last - first).days + 1)
        if (first + datetime.timedelta(days=offset)).weekday() < WORKING_DAYS_PER_WEEK
    )


def allowance_due(*, monthly_allowance, hours_worked, hours_planned, min_percent, below, share=1):
    """(attendance percent, allowance due). ``share`` is the part of the month the tirocinio ran
    (working days); at or over ``min_percent`` the (shared) allowance is due in full, under it
    in proportion to the attendance or not at all (``below``). Rounded half up to the cent."""
    full = Decimal(monthly_allowance) * Decimal(share)
    if not hours_planned:
        return None, _cents(0)
    ratio = Decimal(hours_worked) / Decimal(hours_planned)
    attendance = (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if ratio * 100 >= min_percent:
        return attendance, _cents(full)
    if below == BelowAttendance.NOT_DUE:
        return attendance, _cents(0)
    return attendance, _cents(full * ratio)


def _suspended(suspensions, first, last):
    days = set()
    for suspension in suspensions:
        start = max(suspension.starts_on, first)
        end = (
            min(suspension.ends_on - datetime.timedelta(days=1), last)
            if suspension.ends_on
            else last
        )
        day = start
        while day <= end:
            if day.weekday() < WORKING_DAYS_PER_WEEK:
                days.add(day)
            day += datetime.timedelta(days=1)
    return len(days)


def month_attendance(pathway, month, hours_worked, *, rules=None, suspensions=None):
    """The month of a timesheet: ``hours_planned`` (the weekly hours over the working days the
    tirocinio ran that month, suspensions excluded), ``attendance`` (percent) and
    ``allowance`` (euro due). None when the weekly hours or the activation are not known."""
    hours = weekly_hours(pathway)
    if hours is None or pathway.activated_on is None:
        return None
    rules = rules or rules_for(pathway)
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    end = pathway.ended_on or pathway.planned_end_on or last
    run_first, run_last = max(first, pathway.activated_on), min(last, end)
    month_days = working_days(first, last)
    if suspensions is None:
        suspensions = list(pathway.traineeship_suspensions.all())
    ran = working_days(run_first, run_last) - _suspended(suspensions, run_first, run_last)
    ran = max(ran, 0)
    planned = (hours / WORKING_DAYS_PER_WEEK * ran).quantize(Decimal("0.1"), ROUND_HALF_UP)
    attendance, due = allowance_due(
        monthly_allowance=minimum_allowance(pathway, rules),
        hours_worked=hours_worked,
        hours_planned=planned,
        min_percent=rules.min_attendance_percent,
        below=rules.below_attendance,
        share=Decimal(ran) / Decimal(month_days) if month_days else 0,
    )
    return {
        "hours_planned": planned,
        "attendance": attendance,
        "allowance": due,
        "min_attendance_percent": rules.min_attendance_percent,
    }


def timesheet_months(pathway, sheets):
    """``month_attendance`` of each of a tirocinio's timesheets (``(month, hours_worked)``
    pairs), two queries whatever their number; empty for other pathway types."""
    from .checks import is_traineeship

    if not is_traineeship(pathway):
        return {}
    rules = rules_for(pathway)
    suspensions = list(pathway.traineeship_suspensions.all())
    return {
        month: month_attendance(pathway, month, hours, rules=rules, suspensions=suspensions)
        for month, hours in sheets
    }
