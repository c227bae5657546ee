"""Monthly attendance and allowance of a tirocinio's timesheet: Decimal, half up to the cent."""

import datetime
from decimal import Decimal

import pytest

from casework.cases.traineeship import services
from casework.cases.traineeship.allowance import allowance_due, month_attendance, working_days
from casework.cases.traineeship.choices import BelowAttendance
from casework.money import delivery
from casework.money.delivery_selectors import pathway_delivery


@pytest.mark.parametrize(
    ("worked", "planned", "below", "attendance", "due"),
    [
        ("120", "120", BelowAttendance.PROPORTIONAL, "100.0", "500.00"),
        ("96", "120", BelowAttendance.PROPORTIONAL, "80.0", "500.00"),  # exactly the minimum
        ("95.9", "120", BelowAttendance.PROPORTIONAL, "79.9", "399.58"),  # 500 x 0.799166..
        ("95.9", "120", BelowAttendance.NOT_DUE, "79.9", "0.00"),
        ("100", "120", BelowAttendance.PROPORTIONAL, "83.3", "500.00"),
        ("1", "3", BelowAttendance.PROPORTIONAL, "33.3", "166.67"),  # 166.666.. half up
        ("0", "120", BelowAttendance.PROPORTIONAL, "0.0", "0.00"),
    ],
)
def test_allowance_due(worked, planned, below, attendance, due):
    got_attendance, got_due = allowance_due(
        monthly_allowance=Decimal("500.00"),
        hours_worked=Decimal(worked),
        hours_planned=Decimal(planned),
        min_percent=80,
        below=below,
    )
    assert got_attendance == Decimal(attendance)
    assert got_due == Decimal(due) and got_due.as_tuple().exponent == -2


def test_half_a_cent_rounds_up():
    # 0.005 -> 0.01: 1.005 share of 1 euro.
    _attendance, due = allowance_due(
        monthly_allowance=Decimal("2.01"),
        hours_worked=1,
        hours_planned=2,
        min_percent=80,
        below=BelowAttendance.PROPORTIONAL,
    )
    assert due == Decimal("1.01")


def test_no_planned_hours_nothing_due():
    assert allowance_due(
        monthly_allowance=500, hours_worked=10, hours_planned=0, min_percent=80, below="x"
    ) == (None, Decimal("0.00"))


def test_working_days():
    assert working_days(datetime.date(2016, 11, 1), datetime.date(2016, 11, 30)) == 22
    assert working_days(datetime.date(2016, 10, 3), datetime.date(2016, 10, 31)) == 21


@pytest.mark.django_db
def test_month_attendance_from_the_weekly_hours(active_tirocinio, agency_operator):
    # 30 hours a week = 6 a day; November 2016: 22 working days = 132 hours planned.
    november = month_attendance(active_tirocinio, datetime.date(2016, 11, 1), Decimal("132"))
    assert november["hours_planned"] == Decimal("132.0")
    assert november["attendance"] == Decimal("100.0")
    assert november["allowance"] == Decimal("500.00")
    low = month_attendance(active_tirocinio, datetime.date(2016, 11, 1), Decimal("66"))
    assert low["attendance"] == Decimal("50.0") and low["allowance"] == Decimal("250.00")
    # October: activated on Monday 3rd, 21 of its 21 working days.
    october = month_attendance(active_tirocinio, datetime.date(2016, 10, 1), Decimal("126"))
    assert october["hours_planned"] == Decimal("126.0") and october["allowance"] == Decimal(
        "500.00"
    )
    # A suspension from 21/11 to 01/12: 8 working days less in November (14 run of 22).
    services.suspend_traineeship(
        active_tirocinio, on=datetime.date(2016, 11, 21), reason="Malattia", user=agency_operator
    )
    services.resume_traineeship(
        active_tirocinio, on=datetime.date(2016, 12, 1), user=agency_operator
    )
    suspended = month_attendance(active_tirocinio, datetime.date(2016, 11, 1), Decimal("84"))
    assert suspended["hours_planned"] == Decimal("84.0")
    assert suspended["allowance"] == Decimal("318.18")  # 500 x 14/22, half up


@pytest.mark.django_db
def test_the_delivery_section_shows_attendance_and_allowance(
    client, active_tirocinio, agency_operator
):
    active_tirocinio.activities.get_or_create(activity="timesheets")
    delivery.record_timesheet(
        active_tirocinio, month=datetime.date(2016, 11, 1), hours_worked=66, user=agency_operator
    )
    data = pathway_delivery(active_tirocinio, agency_operator)
    assert data["timesheet_allowance"]
    assert data["timesheets"][0]["traineeship"]["allowance"] == Decimal("250.00")
    client.force_login(agency_operator)
    page = client.get(
        f"/admin/snippets/casework/pathway/inspect/{active_tirocinio.pk}/"
    ).content.decode()
    assert "€ 250,00" in page and "50%" in page and "sotto il 80%" in page
