"""The agenda's write rules: who books, which referral, not in the past, after the intake deadline
only with a reason, never two overlapping appointments of one operator; moving, cancelling,
no-show and attendance with their reasons and history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import services as facade
from casework.cases.agenda import services
from casework.cases.agenda.models import (
    Appointment,
    AppointmentChange,
    AppointmentStatus,
    CalendarFeedToken,
    DeskSettings,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _messages(error):
    return [str(m) for m in error.value.messages]


@pytest.fixture
def referral(comune_a):
    return f.waiting_referral(beneficiary__residence_comune=comune_a)


def test_facade_exports_the_services():
    assert facade.book_appointment is services.book_appointment
    assert facade.reschedule_appointment is services.reschedule_appointment
    assert facade.MSG_OVERLAP is services.MSG_OVERLAP


def test_book_uses_the_desk_slot_and_records_history(referral, agency_operator):
    settings = DeskSettings.load()
    settings.slot_minutes = 30
    settings.save()
    starts = f.next_weekday_at(9)
    appointment = services.book_appointment(
        referral, starts_at=starts, operator=agency_operator, user=agency_operator
    )
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(minutes=30)
    assert appointment.created_by == agency_operator
    change = appointment.changes.get()
    assert change.kind == AppointmentChange.Kind.BOOKED
    assert change.new_starts_at == starts


def test_default_slot_is_45_minutes(referral, agency_operator):
    appointment = services.book_appointment(
        referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=agency_operator
    )
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(minutes=45)


def test_programme_manager_books_with_an_operator(referral, programme_manager, agency_operator):
    appointment = services.book_appointment(
        referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=programme_manager
    )
    assert appointment.operator == agency_operator


def test_social_worker_may_not_book(referral, social_worker_a, agency_operator):
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=social_worker_a
        )
    assert _messages(error) == [str(services.MSG_NOT_ALLOWED)]


def test_operator_must_be_of_the_agency(referral, agency_operator, programme_manager):
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral,
            starts_at=f.next_weekday_at(9),
            operator=programme_manager,
            user=agency_operator,
        )
    assert error.value.message_dict == {"operator": [str(services.MSG_NOT_OPERATOR)]}


@pytest.mark.parametrize("status", ["taken_in_charge", "declined", "withdrawn", "closed"])
def test_referral_must_wait_for_intake(comune_a, agency_operator, status):
    referral = f.waiting_referral(status=status)
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=agency_operator
        )
    assert _messages(error) == [str(services.MSG_NOT_WAITING_INTAKE)]


def test_not_in_the_past(referral, agency_operator):
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral,
            starts_at=timezone.now() - datetime.timedelta(minutes=5),
            operator=agency_operator,
            user=agency_operator,
        )
    assert error.value.message_dict == {"starts_at": [str(services.MSG_IN_PAST)]}


def test_after_the_deadline_needs_a_reason_naming_the_date(agency_operator):
    today = timezone.localdate()
    referral = f.waiting_referral(referred_on=today - datetime.timedelta(days=14))
    due = referral.intake_due_on
    late = f.next_weekday_at(10, days_ahead=3)
    assert timezone.localdate(late) > due
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral, starts_at=late, operator=agency_operator, user=agency_operator
        )
    expected = services.MSG_LATE_NEEDS_REASON % {"date": due.strftime("%d/%m/%Y")}
    assert error.value.message_dict == {"late_reason": [expected]}
    assert due.strftime("%d/%m/%Y") in expected
    appointment = services.book_appointment(
        referral,
        starts_at=late,
        operator=agency_operator,
        user=agency_operator,
        late_reason="  La persona è ricoverata fino a lunedì. ",
    )
    assert appointment.late_reason == "La persona è ricoverata fino a lunedì."
    assert appointment.is_late


def test_overlap_of_one_operator_is_refused(agency_operator):
    first = f.waiting_referral()
    second = f.waiting_referral()
    starts = f.next_weekday_at(9)
    services.book_appointment(
        first, starts_at=starts, operator=agency_operator, user=agency_operator
    )
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            second,
            starts_at=starts + datetime.timedelta(minutes=30),
            operator=agency_operator,
            user=agency_operator,
        )
    local = timezone.localtime(starts)
    expected = services.MSG_OVERLAP % {
        "start": local.strftime("%d/%m/%Y %H:%M"),
        "end": (local + datetime.timedelta(minutes=45)).strftime("%H:%M"),
    }
    assert error.value.message_dict == {"starts_at": [expected]}
    # Right after it, or with another operator, is fine.
    services.book_appointment(
        second,
        starts_at=starts + datetime.timedelta(minutes=45),
        operator=agency_operator,
        user=agency_operator,
    )
    other = f.agency_operator()
    services.book_appointment(
        f.waiting_referral(), starts_at=starts, operator=other, user=agency_operator
    )


def test_a_cancelled_slot_is_free_again(agency_operator):
    starts = f.next_weekday_at(9)
    appointment = services.book_appointment(
        f.waiting_referral(), starts_at=starts, operator=agency_operator, user=agency_operator
    )
    services.cancel_appointment(appointment, user=agency_operator, reason="Ha trovato lavoro.")
    services.book_appointment(
        f.waiting_referral(), starts_at=starts, operator=agency_operator, user=agency_operator
    )


def test_one_booked_appointment_per_referral(referral, agency_operator):
    services.book_appointment(
        referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=agency_operator
    )
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral,
            starts_at=f.next_weekday_at(11),
            operator=agency_operator,
            user=agency_operator,
        )
    assert _messages(error) == [str(services.MSG_ALREADY_BOOKED)]


def test_duration_bounds(referral, agency_operator):
    with pytest.raises(ValidationError) as error:
        services.book_appointment(
            referral,
            starts_at=f.next_weekday_at(9),
            operator=agency_operator,
            user=agency_operator,
            duration=datetime.timedelta(minutes=2),
        )
    assert error.value.message_dict == {"duration": [str(services.MSG_DURATION)]}


def test_reschedule_keeps_the_old_moment_and_reason(referral, agency_operator):
    starts = f.next_weekday_at(9)
    appointment = services.book_appointment(
        referral, starts_at=starts, operator=agency_operator, user=agency_operator
    )
    with pytest.raises(ValidationError) as error:
        services.reschedule_appointment(
            appointment,
            starts_at=starts + datetime.timedelta(hours=2),
            user=agency_operator,
            reason="",
        )
    assert error.value.message_dict == {"reason": [str(services.MSG_REASON_REQUIRED)]}
    with pytest.raises(ValidationError) as error:
        services.reschedule_appointment(
            appointment, starts_at=starts, user=agency_operator, reason="Nulla"
        )
    assert error.value.message_dict == {"starts_at": [str(services.MSG_SAME_SLOT)]}
    moved = services.reschedule_appointment(
        appointment,
        starts_at=starts + datetime.timedelta(hours=2),
        user=agency_operator,
        reason="La persona lavora al mattino.",
    )
    assert moved.starts_at == starts + datetime.timedelta(hours=2)
    assert moved.ends_at - moved.starts_at == datetime.timedelta(minutes=45)
    change = moved.changes.get(kind=AppointmentChange.Kind.RESCHEDULED)
    assert change.old_starts_at == starts
    assert change.reason == "La persona lavora al mattino."


def test_reschedule_does_not_clash_with_itself_but_with_others(agency_operator):
    starts = f.next_weekday_at(9)
    appointment = services.book_appointment(
        f.waiting_referral(), starts_at=starts, operator=agency_operator, user=agency_operator
    )
    # Moving by 15 minutes overlaps only its own old slot.
    services.reschedule_appointment(
        appointment,
        starts_at=starts + datetime.timedelta(minutes=15),
        user=agency_operator,
        reason="Ritardo del bus.",
    )
    other = services.book_appointment(
        f.waiting_referral(),
        starts_at=starts + datetime.timedelta(hours=2),
        operator=agency_operator,
        user=agency_operator,
    )
    with pytest.raises(ValidationError) as error:
        services.reschedule_appointment(
            other, starts_at=starts, user=agency_operator, reason="Prima"
        )
    assert "starts_at" in error.value.message_dict


def test_cancel_needs_a_reason_and_only_once(referral, agency_operator):
    appointment = services.book_appointment(
        referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=agency_operator
    )
    with pytest.raises(ValidationError) as error:
        services.cancel_appointment(appointment, user=agency_operator, reason="  ")
    assert error.value.message_dict == {"reason": [str(services.MSG_REASON_REQUIRED)]}
    services.cancel_appointment(appointment, user=agency_operator, reason="Trasferita.")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Trasferita."
    with pytest.raises(ValidationError) as error:
        services.cancel_appointment(appointment, user=agency_operator, reason="Di nuovo")
    assert _messages(error) == [str(services.MSG_NOT_BOOKED)]


def test_no_show_and_attendance_only_once_begun(agency_operator):
    future = f.appointment(operator=agency_operator)
    with pytest.raises(ValidationError) as error:
        services.record_no_show(future, user=agency_operator, reason="Non si è presentata")
    assert _messages(error) == [str(services.MSG_NOT_YET)]
    with pytest.raises(ValidationError) as error:
        services.record_attendance(future, user=agency_operator)
    assert _messages(error) == [str(services.MSG_NOT_YET)]

    begun = f.appointment(
        operator=agency_operator, starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    with pytest.raises(ValidationError) as error:
        services.record_no_show(begun, user=agency_operator, reason="")
    assert error.value.message_dict == {"reason": [str(services.MSG_REASON_REQUIRED)]}
    services.record_no_show(begun, user=agency_operator, reason="Non risponde al telefono.")
    begun.refresh_from_db()
    assert begun.status == AppointmentStatus.NO_SHOW
    assert begun.no_show_reason == "Non risponde al telefono."
    # The referral may now have a new appointment.
    services.book_appointment(
        begun.referral,
        starts_at=f.next_weekday_at(15),
        operator=agency_operator,
        user=agency_operator,
    )

    came = f.appointment(
        operator=agency_operator, starts_at=timezone.now() - datetime.timedelta(minutes=60)
    )
    services.record_attendance(came, user=agency_operator, note="Documenti consegnati")
    came.refresh_from_db()
    assert came.status == AppointmentStatus.ATTENDED
    assert came.changes.get().kind == AppointmentChange.Kind.ATTENDED


def test_changes_reach_the_referral_history(referral, agency_operator):
    from wagtail.models import ModelLogEntry

    services.book_appointment(
        referral, starts_at=f.next_weekday_at(9), operator=agency_operator, user=agency_operator
    )
    entry = ModelLogEntry.objects.for_instance(referral).get()
    assert entry.action == services.LOG_BOOKED


def test_feed_token_stored_as_hash_and_revoked(agency_operator, social_worker_a):
    token = services.issue_feed_token(user=agency_operator)
    record = CalendarFeedToken.objects.get(user=agency_operator)
    assert record.token_hash == services.hash_token(token) != token
    again = services.issue_feed_token(user=agency_operator)
    assert again != token
    assert CalendarFeedToken.objects.filter(user=agency_operator, revoked_at=None).count() == 1
    assert services.revoke_feed_tokens(user=agency_operator) == 1
    with pytest.raises(ValidationError):
        services.issue_feed_token(user=social_worker_a)


def test_appointment_str_is_italian(agency_operator):
    appointment = f.appointment(operator=agency_operator)
    local = timezone.localtime(appointment.starts_at)
    assert str(appointment) == (f"Appuntamento del {local:%d/%m/%Y} alle {local:%H:%M}")
    assert Appointment.comune_path == "referral__comune"
