import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from casework.cases.choices import Activity, PathwayStatus, ReferralStatus
from casework.cases.deadlines import today
from casework.cases.rules import ACTIVITY_MATRIX
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.models import Beneficiary, Pathway, Referral
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


def messages_of(excinfo):
    return excinfo.value.messages


@pytest.fixture
def referral(comune_a):
    return f.ReferralFactory(
        beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1), status="received"
    )


@pytest.fixture
def position():
    return f.PositionFactory(pathway_types=["tirocinio"])


def test_create_referral_computes_deadline_and_logs(social_worker_a, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    referral = cases_referrals.create_referral(
        person,
        comune=comune_a,
        protocol=" 123/2016 ",
        referred_on=D(2016, 1, 31),
        user=social_worker_a,
    )
    assert referral.protocol == "123/2016"
    assert referral.intake_due_on == D(2016, 2, 15)  # across a month end
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.referred_by == social_worker_a
    assert referral.revisions.count() == 1


def test_create_referral_rules(social_worker_a, comune_a, comune_b):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    kwargs = {"protocol": "P1", "user": social_worker_a}
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.create_referral(
            person, comune=comune_b, referred_on=D(2016, 9, 1), **kwargs
        )
    assert cases_referrals.MSG_COMUNE_NOT_ALLOWED in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.create_referral(
            person, comune=comune_a, referred_on=today() + datetime.timedelta(days=1), **kwargs
        )
    assert cases_referrals.MSG_FUTURE_DATE in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.create_referral(
            person, comune=comune_a, referred_on=D(2016, 9, 1), intake_deadline_days=30, **kwargs
        )
    assert cases_referrals.MSG_LONGER_DEADLINE_NEEDS_GROUP in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.create_referral(
            person, comune=comune_a, referred_on=D(2016, 9, 1), intake_deadline_days=10, **kwargs
        )
    assert cases_referrals.MSG_DEADLINE_TOO_SHORT in messages_of(excinfo)
    assert not Referral.objects.exists()


def test_group_referral_has_its_longer_deadline(social_worker_a, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    referral = cases_referrals.create_referral(
        person,
        comune=comune_a,
        protocol="G1",
        referred_on=D(2016, 12, 20),
        user=social_worker_a,
        group_name="Giovani NEET",
        intake_deadline_days=30,
        deadline_reason="Venti persone segnalate insieme",
    )
    assert referral.intake_due_on == D(2017, 1, 19)  # across a year end


def test_one_open_referral_per_person(social_worker_a, referral, comune_a):
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.create_referral(
            referral.beneficiary,
            comune=comune_a,
            protocol="P2",
            referred_on=D(2016, 9, 2),
            user=social_worker_a,
        )
    assert cases_referrals.MSG_OPEN_REFERRAL_EXISTS in messages_of(excinfo)


def test_register_beneficiary_reads_the_code(social_worker_a, comune_a):
    code = f.make_tax_code(7, birth_date=D(1975, 3, 12), sex="F")
    person = cases_referrals.register_beneficiary(
        tax_code=code.lower(),
        user=social_worker_a,
        first_name="Anna",
        last_name="Bassi",
        residence_comune=comune_a,
        target_group="giovane",
    )
    assert (person.tax_code, person.birth_date, person.sex) == (code, D(1975, 3, 12), "F")
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.register_beneficiary(
            tax_code=code,
            user=social_worker_a,
            first_name="Anna",
            last_name="Bassi",
            residence_comune=comune_a,
            target_group="giovane",
        )
    assert cases_referrals.MSG_PERSON_EXISTS in messages_of(excinfo)


def test_register_beneficiary_checks_typed_birth_date_and_sex(social_worker_a, comune_a):
    code = f.make_tax_code(8, birth_date=D(1975, 3, 12), sex="F")
    base = {
        "tax_code": code,
        "user": social_worker_a,
        "first_name": "A",
        "last_name": "B",
        "residence_comune": comune_a,
        "target_group": "giovane",
    }
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.register_beneficiary(birth_date=D(1975, 3, 13), **base)
    assert excinfo.value.message_dict == {
        "birth_date": [str(cases_referrals.MSG_BIRTH_DATE_MISMATCH)]
    }
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.register_beneficiary(sex="M", **base)
    assert excinfo.value.message_dict == {"sex": [str(cases_referrals.MSG_SEX_MISMATCH)]}
    assert not Beneficiary.objects.filter(tax_code=code).exists()


def test_take_in_charge_creates_pathway_with_matrix_checklist(referral, agency_operator):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 10), user=agency_operator)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_IN_CHARGE
    assert pathway.status == PathwayStatus.INTAKE
    assert pathway.comune_id == referral.comune_id
    assert pathway.pathway_type == "tirocinio"
    assert pathway.activation_due_on == D(2016, 9, 25)
    codes = set(pathway.activities.values_list("activity", flat=True))
    assert codes == set(ACTIVITY_MATRIX["tirocinio"])
    desk = pathway.activities.get(activity=Activity.DESK)
    assert desk.done_on == D(2016, 9, 10) and desk.done_by == agency_operator
    assert ModelLogEntry.objects.filter(action="casework.take_in_charge").count() == 1


@pytest.mark.parametrize("pathway_type", ["assistenziale", "tirocinio", "inserimento"])
def test_checklist_is_the_seed_matrix(comune_a, agency_operator, pathway_type):
    referral = f.ReferralFactory(proposed_pathway_type=pathway_type, referred_on=D(2016, 9, 1))
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 2), user=agency_operator)
    assert set(pathway.activities.values_list("activity", flat=True)) == set(
        ACTIVITY_MATRIX[pathway_type]
    )
    assert ("tutoring" in ACTIVITY_MATRIX[pathway_type]) == (pathway_type != "assistenziale")
    assert ("timesheets" in ACTIVITY_MATRIX[pathway_type]) == (pathway_type != "inserimento")


def test_personalised_pathway_needs_chosen_activities(referral, agency_operator):
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.take_in_charge(
            referral, on=D(2016, 9, 2), user=agency_operator, pathway_type="personalizzato"
        )
    assert cases_pathways.MSG_PERSONALISED_NEEDS_ACTIVITIES in messages_of(excinfo)
    pathway = cases_pathways.take_in_charge(
        referral,
        on=D(2016, 9, 2),
        user=agency_operator,
        pathway_type="personalizzato",
        chosen_activities=["desk", "reports"],
    )
    assert set(pathway.activities.values_list("activity", flat=True)) == {"desk", "reports"}


def test_take_in_charge_rules_and_nothing_half_saved(referral, agency_operator):
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.take_in_charge(referral, on=D(2016, 8, 31), user=agency_operator)
    assert cases_pathways.MSG_INTAKE_BEFORE_REFERRAL in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.take_in_charge(
            referral, on=today() + datetime.timedelta(days=1), user=agency_operator
        )
    assert cases_referrals.MSG_FUTURE_DATE in messages_of(excinfo)
    assert not Pathway.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED
    cases_pathways.take_in_charge(referral, on=D(2016, 9, 1), user=agency_operator)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.take_in_charge(referral, on=D(2016, 9, 2), user=agency_operator)
    assert cases_referrals.MSG_NOT_RECEIVED in messages_of(excinfo)


def test_take_in_charge_without_type(agency_operator):
    referral = f.ReferralFactory(proposed_pathway_type="")
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    assert cases_pathways.MSG_PATHWAY_TYPE_REQUIRED in messages_of(excinfo)


def test_define_pathway(referral, agency_operator, position):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.define_pathway(
            pathway, user=agency_operator, first_interview_on=D(2016, 9, 4)
        )
    assert cases_pathways.MSG_INTERVIEW_BEFORE_INTAKE in messages_of(excinfo)
    wrong = f.PositionFactory(pathway_types=["inserimento"])
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.define_pathway(pathway, user=agency_operator, position=wrong)
    assert cases_pathways.MSG_POSITION_WRONG_TYPE in messages_of(excinfo)
    pathway = cases_pathways.define_pathway(
        pathway,
        user=agency_operator,
        first_interview_on=D(2016, 9, 6),
        assessment="Buone capacità relazionali",
        position=position,
        planned_tutoring_hours=10,
    )
    assert pathway.status == PathwayStatus.MATCHING
    assert pathway.host_id == position.host_id
    assert pathway.activities.get(activity="first_interview").done_on == D(2016, 9, 6)


def test_define_and_activate_recheck_the_seats_like_placement(
    referral, agency_operator, comune_b, position
):
    """Setting a position through define or activate takes a seat too: the same checks as
    placing from the matching screen (seats, reserved Comune, host approved)."""
    taken = f.PathwayFactory(position=position, host=position.host, status="active")
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.define_pathway(pathway, user=agency_operator, position=position)
    assert cases_pathways.MSG_POSITION_FULL in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(
            pathway, on=D(2016, 9, 12), user=agency_operator, position=position
        )
    assert cases_pathways.MSG_POSITION_FULL in messages_of(excinfo)
    reserved = f.PositionFactory(pathway_types=["tirocinio"], reserved_for_comune=comune_b)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.define_pathway(pathway, user=agency_operator, position=reserved)
    assert cases_pathways.MSG_POSITION_RESERVED % {"comune": comune_b} in messages_of(excinfo)
    pending_host = f.PositionFactory(pathway_types=["tirocinio"], host__status="pending")
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.define_pathway(pathway, user=agency_operator, position=pending_host)
    assert cases_pathways.MSG_HOST_NOT_APPROVED in messages_of(excinfo)
    pathway.refresh_from_db()
    assert pathway.position is None
    # Once the seat is free again the same position is accepted, and keeping it is no new seat.
    taken.status = "completed"
    taken.save()
    pathway = cases_pathways.define_pathway(pathway, user=agency_operator, position=position)
    other = f.PathwayFactory(position=position, host=position.host, status="active")
    f.sign_papers(pathway, agency_operator)
    pathway = cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=agency_operator)
    assert pathway.status == PathwayStatus.ACTIVE and pathway.position == position
    assert other.position == position


def test_define_pathway_changing_type_rebuilds_checklist(referral, agency_operator):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    cases_pathways.define_pathway(pathway, user=agency_operator, pathway_type="assistenziale")
    codes = set(pathway.activities.values_list("activity", flat=True))
    assert codes == set(ACTIVITY_MATRIX["assistenziale"])


def test_activation_rules(referral, agency_operator, position):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(pathway, on=D(2016, 9, 10), user=agency_operator)
    assert cases_pathways.MSG_ACTIVATION_NEEDS_POSITION in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(
            pathway, on=D(2016, 9, 4), user=agency_operator, position=position
        )
    assert cases_pathways.MSG_ACTIVATION_BEFORE_INTAKE in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(
            pathway,
            on=today() + datetime.timedelta(days=2),
            user=agency_operator,
            position=position,
        )
    assert cases_referrals.MSG_FUTURE_DATE in messages_of(excinfo)
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.INTAKE and pathway.position is None
    pathway = f.sign_papers(pathway, agency_operator, position=position)
    pathway = cases_pathways.activate_pathway(
        pathway, on=D(2016, 9, 12), user=agency_operator, position=position
    )
    assert pathway.status == PathwayStatus.ACTIVE and pathway.activated_on == D(2016, 9, 12)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(pathway, on=D(2016, 9, 13), user=agency_operator)
    assert cases_pathways.MSG_PATHWAY_NOT_BEING_DEFINED in messages_of(excinfo)


def _active(referral, user, position):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=user)
    pathway = f.sign_papers(pathway, user, position=position)
    return cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=user, position=position)


def test_complete_needs_outcome_and_closes_referral(referral, agency_operator, position):
    pathway = _active(referral, agency_operator, position)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.complete_pathway(
            pathway, on=D(2016, 12, 12), outcome="", user=agency_operator
        )
    assert cases_pathways.MSG_OUTCOME_REQUIRED in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.complete_pathway(
            pathway, on=D(2016, 9, 11), outcome="hired", user=agency_operator
        )
    assert cases_pathways.MSG_END_BEFORE_START in messages_of(excinfo)
    pathway = cases_pathways.complete_pathway(
        pathway, on=D(2016, 12, 12), outcome="hired", user=agency_operator
    )
    referral.refresh_from_db()
    assert pathway.status == PathwayStatus.COMPLETED and pathway.outcome == "hired"
    assert referral.status == ReferralStatus.CLOSED
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.complete_pathway(
            pathway, on=D(2016, 12, 13), outcome="hired", user=agency_operator
        )
    assert cases_pathways.MSG_NOT_ACTIVE in messages_of(excinfo)


def test_complete_only_active(referral, agency_operator):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.complete_pathway(
            pathway, on=D(2016, 9, 6), outcome="hired", user=agency_operator
        )
    assert cases_pathways.MSG_NOT_ACTIVE in messages_of(excinfo)


def test_interrupt(referral, agency_operator, position):
    pathway = _active(referral, agency_operator, position)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.interrupt_pathway(
            pathway, on=D(2016, 10, 1), reason=" ", user=agency_operator
        )
    assert cases_referrals.MSG_REASON_REQUIRED in messages_of(excinfo)
    pathway = cases_pathways.interrupt_pathway(
        pathway, on=D(2016, 10, 1), reason="Trasferimento", user=agency_operator
    )
    assert pathway.status == PathwayStatus.INTERRUPTED
    assert pathway.outcome_note == "Trasferimento"
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.interrupt_pathway(
            pathway, on=D(2016, 10, 2), reason="x", user=agency_operator
        )
    assert cases_pathways.MSG_ALREADY_ENDED in messages_of(excinfo)


def test_decline(referral, agency_operator):
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.decline_referral(referral, reason="", user=agency_operator)
    assert cases_referrals.MSG_REASON_REQUIRED in messages_of(excinfo)
    referral = cases_referrals.decline_referral(
        referral, reason="Di competenza SIL (L. 68/99)", user=agency_operator
    )
    assert referral.status == ReferralStatus.DECLINED
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.decline_referral(referral, reason="x", user=agency_operator)
    assert cases_referrals.MSG_NOT_RECEIVED in messages_of(excinfo)


def test_withdraw_received_and_in_charge(referral, social_worker_a, agency_operator, position):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    referral = cases_referrals.withdraw_referral(
        referral, reason="Trovato lavoro", user=social_worker_a
    )
    pathway.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert pathway.status == PathwayStatus.INTERRUPTED


def test_withdraw_refused_once_active(referral, social_worker_a, agency_operator, position):
    pathway = _active(referral, agency_operator, position)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.withdraw_referral(referral, reason="x", user=social_worker_a)
    assert cases_referrals.MSG_CANNOT_WITHDRAW in messages_of(excinfo)
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.ACTIVE


def test_reopen(referral, agency_operator, social_worker_a):
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.reopen_referral(
            referral, on=D(2016, 9, 20), reason="x", user=social_worker_a
        )
    assert cases_referrals.MSG_NOT_CLOSED in messages_of(excinfo)
    cases_referrals.decline_referral(referral, reason="Documenti mancanti", user=agency_operator)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.reopen_referral(
            referral, on=D(2016, 9, 20), reason="", user=social_worker_a
        )
    assert cases_referrals.MSG_REASON_REQUIRED in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.reopen_referral(
            referral, on=D(2016, 8, 20), reason="x", user=social_worker_a
        )
    assert cases_referrals.MSG_REOPEN_BEFORE_REFERRAL in messages_of(excinfo)
    referral = cases_referrals.reopen_referral(
        referral, on=D(2016, 9, 20), reason="Documenti arrivati", user=social_worker_a
    )
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.intake_due_on == D(2016, 10, 5)
    assert cases_pathways.take_in_charge(referral, on=D(2016, 9, 21), user=agency_operator).pk


def test_follow_up(referral, agency_operator, position):
    pathway = _active(referral, agency_operator, position)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.record_follow_up(
            pathway, on=D(2016, 12, 1), situation="employed", user=agency_operator
        )
    assert cases_pathways.MSG_FOLLOW_UP_NOT_ENDED in messages_of(excinfo)
    pathway = cases_pathways.complete_pathway(
        pathway, on=D(2016, 12, 12), outcome="completed", user=agency_operator
    )
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.record_follow_up(
            pathway, on=D(2016, 12, 1), situation="employed", user=agency_operator
        )
    assert cases_pathways.MSG_FOLLOW_UP_BEFORE_END in messages_of(excinfo)
    follow_up = cases_pathways.record_follow_up(
        pathway, on=D(2017, 3, 1), situation="employed", user=agency_operator
    )
    assert follow_up.recorded_by == agency_operator


def test_record_activity(referral, agency_operator):
    pathway = cases_pathways.take_in_charge(referral, on=D(2016, 9, 5), user=agency_operator)
    item = pathway.activities.get(activity="cv")
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.record_activity(item, on=D(2016, 9, 1), user=agency_operator)
    assert cases_pathways.MSG_ACTIVITY_BEFORE_INTAKE in messages_of(excinfo)
    item = cases_pathways.record_activity(
        item, on=D(2016, 9, 7), user=agency_operator, note="CV europeo"
    )
    assert (item.done_on, item.done_by, item.note) == (D(2016, 9, 7), agency_operator, "CV europeo")
