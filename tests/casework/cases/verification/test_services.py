"""Review meetings on a pathway: recorded and corrected through the services (rules, audit, the
checklist's "reports" ticked on the first one), who may record them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.audit.models import AuditEvent
from casework.cases import models as cases_models
from casework.cases.services import pathways as cases_pathways
from casework.cases.services.referrals import MSG_FUTURE_DATE
from casework.cases.verification import services
from casework.cases.verification.models import VerificationMeeting
from tests import factories as f
from tests.factories import active_pathway

pytestmark = pytest.mark.django_db

OCT_20 = datetime.date(2016, 10, 20)
NOV_20 = datetime.date(2016, 11, 20)


@pytest.fixture
def pathway(comune_a):
    """A traineeship of Comune A, active since 01/10/2016, with the checklist of its type."""
    pathway = active_pathway(comune_a)
    for code in ("desk", "reports"):
        cases_models.PathwayActivity.objects.create(pathway=pathway, activity=code)
    return pathway


def _record(pathway, user, **overrides):
    values = {
        "held_on": OCT_20,
        "participants": ["person", "agency", "host"],
        "participant_names": "Marta Bonetti, Luca Ferrari",
        "minutes": "La persona è puntuale; si concorda di aumentare le ore.",
        "next_meeting_on": NOV_20,
        "user": user,
    }
    values.update(overrides)
    return services.record_verification_meeting(pathway, **values)


def _message(error, field=None):
    if field is None:
        return error.value.messages
    return error.value.message_dict[field]


def test_recording_ticks_the_reports_item_and_is_audited(pathway, agency_operator):
    meeting = _record(pathway, agency_operator)
    assert meeting.parties == [
        "La persona",
        "Operatore dell'agenzia",
        "Ente ospitante / tutor aziendale",
    ]
    assert meeting.recorded_by == agency_operator
    item = pathway.activities.get(activity="reports")
    assert (item.done_on, item.done_by) == (OCT_20, agency_operator)
    event = AuditEvent.objects.get(model="casework.verificationmeeting", action="create")
    assert event.beneficiary_id == pathway.referral.beneficiary_id
    assert event.comune_id == pathway.comune_id
    # A later meeting leaves the ticked date alone.
    _record(pathway, agency_operator, held_on=NOV_20, next_meeting_on=None)
    item.refresh_from_db()
    assert item.done_on == OCT_20


def test_a_plan_without_reports_is_left_alone(comune_a, agency_operator):
    pathway = active_pathway(comune_a, pathway_type="personalizzato")
    cases_models.PathwayActivity.objects.create(pathway=pathway, activity="desk")
    _record(pathway, agency_operator)
    assert not pathway.activities.filter(done_on__isnull=False).exists()


def test_programme_manager_records_too(pathway, programme_manager):
    assert _record(pathway, programme_manager).pk


def test_social_worker_may_not_record(pathway, social_worker_a):
    with pytest.raises(PermissionDenied):
        _record(pathway, social_worker_a)
    assert not VerificationMeeting.objects.exists()


@pytest.mark.parametrize("status", ["intake", "matching"])
def test_only_on_a_running_pathway(comune_a, agency_operator, status):
    pathway = f.PathwayFactory(referral__beneficiary__residence_comune=comune_a, status=status)
    with pytest.raises(ValidationError) as error:
        _record(pathway, agency_operator)
    assert _message(error) == [services.MSG_PATHWAY_NOT_RUNNING]


def test_dates_are_checked(pathway, agency_operator):
    future = datetime.date.today() + datetime.timedelta(days=2)
    cases = [
        ({"held_on": future, "next_meeting_on": None}, "held_on", MSG_FUTURE_DATE),
        ({"held_on": datetime.date(2016, 9, 30)}, "held_on", services.MSG_BEFORE_ACTIVATION),
        ({"next_meeting_on": OCT_20}, "next_meeting_on", services.MSG_NEXT_NOT_AFTER),
        ({"participants": [], "participant_names": " "}, "participants", None),
        ({"minutes": "  "}, "minutes", services.MSG_MINUTES_REQUIRED),
    ]
    for overrides, field, message in cases:
        with pytest.raises(ValidationError) as error:
            _record(pathway, agency_operator, **overrides)
        expected = message or services.MSG_NO_PARTICIPANTS
        assert _message(error, field) == [expected], overrides
    assert not VerificationMeeting.objects.exists()


def test_names_alone_are_enough_participants(pathway, agency_operator):
    meeting = _record(pathway, agency_operator, participants=[], participant_names="Mario Neri")
    assert meeting.parties == []


def test_final_meeting_of_an_ended_pathway(pathway, agency_operator, programme_manager):
    cases_pathways.complete_pathway(
        pathway,
        on=datetime.date(2016, 12, 31),
        outcome="completed",
        note="",
        user=programme_manager,
    )
    pathway.refresh_from_db()
    final = _record(
        pathway, agency_operator, held_on=datetime.date(2017, 1, 10), next_meeting_on=None
    )
    assert final.pk
    with pytest.raises(ValidationError) as error:
        _record(pathway, agency_operator, held_on=datetime.date(2017, 1, 10))
    assert _message(error, "next_meeting_on") == [services.MSG_NO_NEXT_AFTER_END]
    with pytest.raises(ValidationError) as error:
        _record(pathway, agency_operator, held_on=datetime.date(2017, 2, 15), next_meeting_on=None)
    assert _message(error, "held_on") == [
        services.MSG_TOO_LONG_AFTER_END % {"days": services.FINAL_MEETING_DAYS}
    ]


def test_update_corrects_under_the_same_rules(pathway, agency_operator, social_worker_b):
    meeting = _record(pathway, agency_operator)
    services.update_verification_meeting(
        meeting,
        held_on=datetime.date(2016, 10, 21),
        participants=["social_service"],
        participant_names="",
        minutes="Verbale corretto.",
        next_meeting_on=None,
        user=agency_operator,
    )
    meeting.refresh_from_db()
    assert meeting.held_on == datetime.date(2016, 10, 21)
    assert meeting.parties == ["Servizio sociale"]
    assert meeting.minutes == "Verbale corretto."
    assert AuditEvent.objects.filter(
        model="casework.verificationmeeting", action="change", object_id=str(meeting.pk)
    ).exists()
    with pytest.raises(ValidationError) as error:
        services.update_verification_meeting(
            meeting,
            held_on=OCT_20,
            participants=["agency"],
            minutes="x",
            next_meeting_on=datetime.date(2016, 10, 1),
            user=agency_operator,
        )
    assert _message(error, "next_meeting_on") == [services.MSG_NEXT_NOT_AFTER]
    with pytest.raises(PermissionDenied):
        services.update_verification_meeting(
            meeting, held_on=OCT_20, participants=["agency"], minutes="x", user=social_worker_b
        )


def test_the_facades_export_them():
    from casework import models
    from casework import services as facade

    assert models.VerificationMeeting is VerificationMeeting
    assert facade.record_verification_meeting is services.record_verification_meeting
    assert facade.update_verification_meeting is services.update_verification_meeting
