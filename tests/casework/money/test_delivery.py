"""Tutoring sessions and timesheets after they are recorded: corrected through the services
(audited, never past the approved hours, scoped per Comune), ticked on the checklist, listed on the
pathway page by casework.money.delivery_selectors.pathway_delivery."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.cases import models as cases_models
from casework.money import delivery
from casework.money import services as money_services
from casework.money.delivery_selectors import pathway_delivery
from tests import factories as f
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db

OCT_10 = datetime.date(2016, 10, 10)


@pytest.fixture
def edition(db):
    return seed_edition()


def _approve_tutoring(pathway, hours, manager):
    budget(pathway.comune, pathway_edition(), "10000.00")
    voucher = money_services.create_voucher(
        pathway, kind="tutoring_hour", quantity=hours, user=manager
    )
    return money_services.approve_voucher(voucher, user=manager)


def pathway_edition():
    from casework.money.models import Edition

    return Edition.objects.get()


@pytest.fixture
def tutored(edition, comune_a, programme_manager):
    """A traineeship of Comune A with 4 approved tutoring hours and its checklist items."""
    pathway = active_pathway(comune_a)
    for code in ("tutoring", "timesheets"):
        cases_models.PathwayActivity.objects.create(pathway=pathway, activity=code)
    _approve_tutoring(pathway, 4, programme_manager)
    return pathway


def _events(obj, action):
    return AuditEvent.objects.filter(
        model=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


# --- recording: audited, checklist ticked -------------------------------------------------------


def test_recording_ticks_the_checklist_and_is_audited(tutored, agency_operator):
    session = delivery.record_tutoring_session(
        tutored, on=OCT_10, hours=Decimal("1.5"), user=agency_operator
    )
    sheet = delivery.record_timesheet(
        tutored, month=datetime.date(2016, 10, 20), hours_worked=80, user=agency_operator
    )
    items = {a.activity: a for a in tutored.activities.all()}
    assert items["tutoring"].done_on == OCT_10
    assert items["tutoring"].done_by == agency_operator
    assert items["timesheets"].done_on == datetime.date(2016, 10, 1)
    assert items["timesheets"].done_by == agency_operator
    created = _events(session, AuditEvent.Action.CREATE).get()
    assert created.beneficiary_id == tutored.referral.beneficiary_id
    assert created.comune_id == tutored.comune_id
    assert _events(sheet, AuditEvent.Action.CREATE).count() == 1
    # A later session leaves the ticked date as it was.
    delivery.record_tutoring_session(
        tutored, on=datetime.date(2016, 10, 20), hours=1, user=agency_operator
    )
    assert tutored.activities.get(activity="tutoring").done_on == OCT_10


# --- correcting tutoring -------------------------------------------------------------------------


def test_correct_tutoring_session_within_approved_hours(tutored, agency_operator):
    first = delivery.record_tutoring_session(tutored, on=OCT_10, hours=2, user=agency_operator)
    delivery.record_tutoring_session(tutored, on=OCT_10, hours=1, user=agency_operator)
    # 2 -> 3 fits exactly (3 + 1 = 4 approved): the session's own hours are not counted twice.
    corrected = delivery.correct_tutoring_session(
        first, on=datetime.date(2016, 10, 11), hours=3, note="Colloquio", user=agency_operator
    )
    assert (corrected.on, corrected.hours, corrected.note) == (
        datetime.date(2016, 10, 11),
        Decimal("3"),
        "Colloquio",
    )
    event = _events(first, AuditEvent.Action.CHANGE).get()
    assert event.user == agency_operator
    assert event.beneficiary_id == tutored.referral.beneficiary_id


def test_correct_tutoring_session_refused_past_approved_hours(tutored, agency_operator):
    first = delivery.record_tutoring_session(tutored, on=OCT_10, hours=2, user=agency_operator)
    delivery.record_tutoring_session(tutored, on=OCT_10, hours=1, user=agency_operator)
    with pytest.raises(ValidationError) as error:
        delivery.correct_tutoring_session(first, on=OCT_10, hours="3.5", user=agency_operator)
    assert error.value.message_dict == {
        "hours": [
            delivery.MSG_TUTORING_OVER_APPROVED % {"approved": "4", "done": "1", "hours": "3,5"}
        ]
    }
    first.refresh_from_db()
    assert first.hours == Decimal("2")
    assert not _events(first, AuditEvent.Action.CHANGE).exists()


def test_correct_tutoring_session_keeps_the_rules(tutored, agency_operator):
    session = delivery.record_tutoring_session(tutored, on=OCT_10, hours=1, user=agency_operator)
    cases = [
        ({"on": OCT_10, "hours": "1.25"}, "hours", delivery.MSG_HALF_HOURS),
        ({"on": OCT_10, "hours": 0}, "hours", delivery.MSG_HOURS_POSITIVE),
        (
            {"on": datetime.date(2016, 9, 30), "hours": 1},
            "on",
            delivery.MSG_SESSION_BEFORE_ACTIVATION,
        ),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as error:
            delivery.correct_tutoring_session(session, user=agency_operator, **kwargs)
        assert error.value.message_dict == {field: [message]}, kwargs


def test_correction_scoped_per_comune(tutored, agency_operator, social_worker_a, social_worker_b):
    session = delivery.record_tutoring_session(tutored, on=OCT_10, hours=1, user=agency_operator)
    sheet = delivery.record_timesheet(tutored, month=OCT_10, hours_worked=10, user=agency_operator)
    # A social worker may not record, so may not correct, even in their own Comune.
    with pytest.raises(PermissionDenied):
        delivery.correct_tutoring_session(session, on=OCT_10, hours=1, user=social_worker_a)
    # Given the permission, the Comune still decides: B's worker cannot touch A's person.
    codenames = ("change_tutoringsession", "change_timesheet")
    for user in (social_worker_a, social_worker_b):
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    social_worker_b = type(social_worker_b).objects.get(pk=social_worker_b.pk)
    social_worker_a = type(social_worker_a).objects.get(pk=social_worker_a.pk)
    with pytest.raises(PermissionDenied):
        delivery.correct_tutoring_session(session, on=OCT_10, hours=1, user=social_worker_b)
    with pytest.raises(PermissionDenied):
        delivery.correct_timesheet(sheet, hours_worked=12, user=social_worker_b)
    delivery.correct_timesheet(sheet, hours_worked=12, user=social_worker_a)
    sheet.refresh_from_db()
    assert sheet.hours_worked == Decimal("12")


# --- correcting timesheets -----------------------------------------------------------------------


def test_correct_timesheet_dates_and_hours(tutored, agency_operator):
    sheet = delivery.record_timesheet(tutored, month=OCT_10, hours_worked=80, user=agency_operator)
    corrected = delivery.correct_timesheet(
        sheet,
        hours_worked="82.5",
        payslip_delivered_on=datetime.date(2016, 11, 10),
        cud_delivered_on=datetime.date(2017, 3, 1),
        user=agency_operator,
    )
    assert corrected.month == datetime.date(2016, 10, 1)
    assert corrected.hours_worked == Decimal("82.5")
    assert corrected.payslip_delivered_on == datetime.date(2016, 11, 10)
    assert corrected.cud_delivered_on == datetime.date(2017, 3, 1)
    assert _events(sheet, AuditEvent.Action.CHANGE).count() == 1
    with pytest.raises(ValidationError) as error:
        delivery.correct_timesheet(
            sheet,
            hours_worked=80,
            payslip_delivered_on=datetime.date(2016, 9, 30),
            user=agency_operator,
        )
    assert error.value.message_dict == {
        "payslip_delivered_on": [delivery.MSG_DELIVERY_BEFORE_MONTH]
    }
    with pytest.raises(ValidationError) as error:
        delivery.correct_timesheet(sheet, hours_worked=800, user=agency_operator)
    assert error.value.message_dict == {"hours_worked": [delivery.MSG_HOURS_IN_MONTH]}


# --- the pathway's section -----------------------------------------------------------------------


def test_pathway_delivery_lists_and_links(tutored, agency_operator, social_worker_a):
    operator = f.UserFactory(username="tutor", first_name="Chiara", last_name="Rinaldi")
    operator.groups.set(agency_operator.groups.all())
    delivery.record_tutoring_session(tutored, on=OCT_10, hours="1.5", user=operator, note="Avvio")
    delivery.record_tutoring_session(
        tutored, on=datetime.date(2016, 10, 20), hours=1, user=agency_operator
    )
    sheet = delivery.record_timesheet(tutored, month=OCT_10, hours_worked=80, user=operator)
    data = pathway_delivery(tutored, agency_operator)
    assert [s["on"] for s in data["tutoring_sessions"]] == [datetime.date(2016, 10, 20), OCT_10]
    assert data["tutoring_sessions"][1]["operator"] == "Chiara Rinaldi"
    assert data["tutoring_hours_done"] == Decimal("2.5")
    assert data["tutoring_hours_approved"] == Decimal("4")
    assert data["tutoring_hours_left"] == Decimal("1.5")
    assert data["timesheets"][0]["edit_url"] == reverse(
        "casework_correct_timesheet", args=[sheet.pk]
    )
    assert data["record_tutoring_url"] and data["record_timesheet_url"]
    # Who may not correct sees the rows without the links.
    read_only = pathway_delivery(tutored, social_worker_a)
    assert [s["edit_url"] for s in read_only["tutoring_sessions"]] == ["", ""]
    assert read_only["record_tutoring_url"] == ""


def test_pathway_delivery_fixed_query_count(tutored, agency_operator, django_assert_num_queries):
    for day in range(10, 14):
        delivery.record_tutoring_session(
            tutored, on=datetime.date(2016, 10, day), hours=1, user=f.UserFactory()
        )
    for month in (10, 11, 12):
        delivery.record_timesheet(
            tutored, month=datetime.date(2016, month, 1), hours_worked=10, user=agency_operator
        )
    user = type(agency_operator).objects.get(pk=agency_operator.pk)
    user.has_perm("casework.change_timesheet")  # permissions cached, as in a request
    # A tirocinio: two more, fixed (its edition's rules and its suspensions, for the allowance).
    with django_assert_num_queries(5):
        data = pathway_delivery(tutored, user)
    assert len(data["tutoring_sessions"]) == 4 and len(data["timesheets"]) == 3


# --- the screens ---------------------------------------------------------------------------------


def test_correction_screens(client, tutored, agency_operator):
    session = delivery.record_tutoring_session(tutored, on=OCT_10, hours=1, user=agency_operator)
    sheet = delivery.record_timesheet(tutored, month=OCT_10, hours_worked=10, user=agency_operator)
    client.force_login(agency_operator)
    url = reverse("casework_correct_tutoring", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'value="10/10/2016"' in page
    over = client.post(url, {"on": "10/10/2016", "hours": "5"})
    assert over.status_code == 200 and "oltre quelle approvate" in over.content.decode()
    done = client.post(url, {"on": "11/10/2016", "hours": "2", "note": ""})
    assert done.status_code == 302 and done.url.endswith("#erogazione")
    session.refresh_from_db()
    assert (session.on, session.hours) == (datetime.date(2016, 10, 11), Decimal("2"))
    url = reverse("casework_correct_timesheet", args=[sheet.pk])
    done = client.post(url, {"hours_worked": "12", "cud_delivered_on": "1/3/2017"})
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert sheet.cud_delivered_on == datetime.date(2017, 3, 1)


def test_correction_screens_scoped(client, tutored, agency_operator, social_worker_b):
    session = delivery.record_tutoring_session(tutored, on=OCT_10, hours=1, user=agency_operator)
    social_worker_b.user_permissions.add(Permission.objects.get(codename="change_tutoringsession"))
    client.force_login(social_worker_b)
    url = reverse("casework_correct_tutoring", args=[session.pk])
    assert client.get(url).status_code == 404


def test_pathway_section_template(tutored, agency_operator):
    from django.template.loader import render_to_string

    delivery.record_tutoring_session(tutored, on=OCT_10, hours="1.5", user=None)
    delivery.record_timesheet(
        tutored,
        month=OCT_10,
        hours_worked=80,
        payslip_delivered_on=datetime.date(2016, 11, 5),
        user=agency_operator,
    )
    html = render_to_string(
        "casework/money/_pathway_delivery.html",
        {"delivery": pathway_delivery(tutored, agency_operator)},
    )
    assert "10/10/2016" in html and "1,5" in html
    assert "Ore svolte: 1,5 su 4 approvate (restano 2,5)." in " ".join(html.split())
    assert "10/2016" in html and "05/11/2016" in html
    assert "—" in html and "None" not in html
    assert reverse("casework_record_tutoring", args=[tutored.pk]) in html


def test_pathway_section_empty(edition, comune_a, social_worker_a):
    from django.template.loader import render_to_string

    pathway = active_pathway(comune_a)
    html = render_to_string(
        "casework/money/_pathway_delivery.html",
        {"delivery": pathway_delivery(pathway, social_worker_a)},
    )
    assert "Nessuna sessione di tutoraggio registrata." in html
    assert "Nessun foglio ore registrato." in html
    assert "Registra" not in html and "Correggi" not in html


def test_hours_typed_the_italian_way():
    from casework.money.delivery_forms import TimesheetForm, TutoringSessionForm

    form = TutoringSessionForm({"on": "15/10/2016", "hours": "1,5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == Decimal("1.5")
    # A text input: a number input would let the browser send "15" for "1,5".
    assert 'type="text"' in str(TutoringSessionForm()["hours"])
    assert 'value="2,5"' in str(TutoringSessionForm(initial={"hours": Decimal("2.5")})["hours"])
    sheet = TimesheetForm({"month": "1/10/2016", "hours_worked": "82.5"})
    assert sheet.is_valid() and sheet.cleaned_data["hours_worked"] == Decimal("82.5")
