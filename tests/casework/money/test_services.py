"""Vouchers, budgets, team-meeting decisions, tutoring, timesheets and invoices
(``casework.services``, money section)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from casework.cases import models as cases_models
from casework.cases.services import referrals as cases_referrals
from casework.money import delivery as money_delivery
from casework.money import invoices as money_invoices
from casework.money import models as money_models
from casework.money import services as money_services
from casework.money.euro import format_euro
from casework.money.selectors import budget_summary, committed_total
from tests import factories as f
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(db):
    return seed_edition()


@pytest.fixture
def pal(programme_manager):
    return programme_manager


def _messages(error):
    return " ".join(error.value.messages)


def _meeting(on=datetime.date(2016, 10, 5)):
    return cases_models.TeamMeeting.objects.create(held_on=on)


# --- amounts -------------------------------------------------------------------------------------


def test_seed_worked_example_traineeship_with_ten_tutoring_hours(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    activation = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    tutoring = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=10, user=pal)
    assert (activation.net, activation.vat, activation.gross) == (
        Decimal("200.00"),
        Decimal("44.00"),
        Decimal("244.00"),
    )
    assert (tutoring.net, tutoring.vat, tutoring.gross) == (
        Decimal("210.00"),
        Decimal("46.20"),
        Decimal("256.20"),
    )
    assert activation.net + tutoring.net == Decimal("410.00")
    assert activation.vat + tutoring.vat == Decimal("90.20")
    assert activation.gross + tutoring.gross == Decimal("500.20")


def test_one_tutoring_hour_matches_the_seed_table(edition, comune_a, pal):
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="tutoring_hour", user=pal
    )
    assert (voucher.net, voucher.vat, voucher.gross) == (
        Decimal("21.00"),
        Decimal("4.62"),
        Decimal("25.62"),
    )


@pytest.mark.parametrize(
    "unit, rate, quantity, expected",
    [
        # 21.00 x 1.5 = 31.50; 31.50 x 22% = 6.93
        ("21.00", "22", "1.5", ("31.50", "6.93", "38.43")),
        # 0.125 rounds half up to 0.13 (banker's rounding would give 0.12)
        ("0.125", "0", "1", ("0.13", "0.00", "0.13")),
        # VAT 2.5 x 10% = 0.25; 0.05 x 10% = 0.005 -> 0.01 half up
        ("0.05", "10", "1", ("0.05", "0.01", "0.06")),
    ],
)
def test_amounts_round_half_up_per_line(unit, rate, quantity, expected):
    assert money_services.voucher_amounts(Decimal(unit), Decimal(rate), Decimal(quantity)) == tuple(
        Decimal(v) for v in expected
    )


def test_voucher_takes_comune_from_referral_and_edition_from_its_date(edition, comune_a, pal):
    later = money_models.Edition.objects.create(
        name="2017-2018", starts_on=datetime.date(2017, 7, 1), ends_on=datetime.date(2018, 6, 30)
    )
    money_models.Tariff.objects.create(edition=later, kind="traineeship_activation", net_amount=250)
    # The person lives elsewhere: the Comune that referred them pays.
    pathway = f.PathwayFactory(
        referral__beneficiary__residence_comune=f.comune("Sarezzo"),
        referral__comune=comune_a,
        activated_on=datetime.date(2017, 7, 10),
        status="active",
    )
    voucher = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    assert voucher.comune == comune_a
    assert voucher.edition == later
    assert voucher.unit_net == Decimal("250.00")
    assert voucher.gross == Decimal("305.00")


def test_not_yet_active_pathway_uses_the_intake_date(edition, comune_a, pal):
    pathway = f.PathwayFactory(referral__comune=comune_a)  # intake 2016-09-06
    voucher = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    assert voucher.edition == edition
    assert voucher.status == "proposed"
    assert voucher.created_by == pal


def test_no_edition_for_the_date_is_refused(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(
            pathway, kind="traineeship_activation", user=pal, on=datetime.date(2019, 1, 1)
        )
    assert _messages(error) == money_services.MSG_NO_EDITION % {"date": "01/01/2019"}


def test_missing_tariff_is_refused(edition, comune_a, pal):
    money_models.Tariff.objects.filter(kind="tutoring_hour").delete()
    with pytest.raises(ValidationError, match="non ha una tariffa"):
        money_services.create_voucher(active_pathway(comune_a), kind="tutoring_hour", user=pal)


def test_tariff_change_does_not_alter_existing_vouchers(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    voucher = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=10, user=pal)
    money_models.Tariff.objects.filter(edition=edition, kind="tutoring_hour").update(
        net_amount=Decimal("25.00"), vat_rate=Decimal("10")
    )
    voucher.refresh_from_db()
    assert (voucher.unit_net, voucher.vat_rate, voucher.gross) == (
        Decimal("21.00"),
        Decimal("22.00"),
        Decimal("256.20"),
    )
    newer = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=10, user=pal)
    assert newer.gross == Decimal("275.00")


# --- rules on kinds ------------------------------------------------------------------------------


def test_quantity_must_be_positive(edition, comune_a, pal):
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(
            active_pathway(comune_a), kind="tutoring_hour", quantity=0, user=pal
        )
    assert error.value.message_dict == {"quantity": [money_services.MSG_QUANTITY_POSITIVE]}


def test_activation_voucher_has_quantity_one(edition, comune_a, pal):
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(
            active_pathway(comune_a), kind="traineeship_activation", quantity=2, user=pal
        )
    assert error.value.message_dict == {"quantity": [money_services.MSG_ACTIVATION_QUANTITY]}


def test_only_one_live_activation_per_pathway(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    first = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    assert error.value.message_dict == {"kind": [money_services.MSG_ACTIVATION_EXISTS]}
    money_services.reject_voucher(first, user=pal, reason="Da rivedere")
    assert money_services.create_voucher(pathway, kind="traineeship_activation", user=pal).pk


@pytest.mark.parametrize("pathway_type", ["assistenziale"])
def test_no_tutoring_for_assistenziale(edition, comune_a, pal, pathway_type):
    pathway = active_pathway(comune_a, pathway_type=pathway_type)
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(pathway, kind="tutoring_hour", quantity=5, user=pal)
    assert error.value.message_dict == {"kind": [money_services.MSG_TUTORING_NOT_PLANNED]}


@pytest.mark.parametrize("pathway_type", ["tirocinio", "inserimento"])
def test_tutoring_for_types_that_have_it(edition, comune_a, pal, pathway_type):
    host = f.HostOrganisationFactory()
    pathway = active_pathway(comune_a, pathway_type=pathway_type, host=host)
    assert money_services.create_voucher(pathway, kind="tutoring_hour", quantity=5, user=pal).pk


def test_personalised_project_tutoring_only_if_chosen(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="personalizzato")
    cases_models.PathwayActivity.objects.create(pathway=pathway, activity="desk")
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(pathway, kind="tutoring_hour", quantity=2, user=pal)
    assert error.value.message_dict == {"kind": [money_services.MSG_TUTORING_NOT_PLANNED]}
    cases_models.PathwayActivity.objects.create(pathway=pathway, activity="tutoring")
    assert money_services.create_voucher(pathway, kind="tutoring_hour", quantity=2, user=pal).pk


def test_hiring_activation_not_for_assistenziale(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="assistenziale")
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(pathway, kind="hiring_activation", user=pal)
    assert error.value.message_dict == {
        "kind": [money_services.MSG_KIND_NOT_FOR_PATHWAY % {"type": "Assistenziale"}]
    }


def test_traineeship_activation_not_for_inserimento(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="inserimento")
    with pytest.raises(ValidationError, match="non è previsto per la tipologia"):
        money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)


def test_hiring_needs_the_host(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="inserimento")
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(pathway, kind="hiring_activation", user=pal)
    assert error.value.message_dict == {"kind": [money_services.MSG_HIRING_NEEDS_HOST]}


def test_hiring_refused_after_traineeship_at_same_host(edition, comune_a, pal):
    host = f.HostOrganisationFactory(name="Cooperativa Il Sole")
    traineeship = active_pathway(comune_a, pathway_type="tirocinio", host=host)
    money_services.create_voucher(traineeship, kind="traineeship_activation", user=pal)
    person = traineeship.referral.beneficiary
    later = f.PathwayFactory(
        referral__beneficiary=person,
        referral__comune=comune_a,
        pathway_type="inserimento",
        host=host,
        activated_on=datetime.date(2017, 3, 1),
        status="active",
    )
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(later, kind="hiring_activation", user=pal)
    assert error.value.message_dict == {
        "kind": [money_services.MSG_HIRING_AFTER_TRAINEESHIP % {"host": host}]
    }


def test_hiring_refused_in_the_same_traineeship_pathway(edition, comune_a, pal):
    host = f.HostOrganisationFactory()
    pathway = active_pathway(comune_a, pathway_type="tirocinio", host=host)
    with pytest.raises(ValidationError, match="già svolto un tirocinio"):
        money_services.create_voucher(pathway, kind="hiring_activation", user=pal)


def test_hiring_allowed_at_another_host_or_for_another_person(edition, comune_a, pal):
    host, other_host = f.HostOrganisationFactory(), f.HostOrganisationFactory()
    traineeship = active_pathway(comune_a, pathway_type="tirocinio", host=host)
    money_services.create_voucher(traineeship, kind="traineeship_activation", user=pal)
    elsewhere = f.PathwayFactory(
        referral__beneficiary=traineeship.referral.beneficiary,
        referral__comune=comune_a,
        pathway_type="inserimento",
        host=other_host,
        activated_on=datetime.date(2017, 3, 1),
        status="active",
    )
    assert money_services.create_voucher(elsewhere, kind="hiring_activation", user=pal).pk
    someone_else = active_pathway(comune_a, pathway_type="inserimento", host=host)
    assert money_services.create_voucher(someone_else, kind="hiring_activation", user=pal).pk


def test_hiring_allowed_when_the_traineeship_voucher_was_rejected_and_never_started(
    edition, comune_a, pal
):
    host = f.HostOrganisationFactory()
    planned = f.PathwayFactory(
        referral__comune=comune_a, pathway_type="assistenziale", host=host, status="matching"
    )
    voucher = money_services.create_voucher(planned, kind="traineeship_activation", user=pal)
    money_services.reject_voucher(voucher, user=pal, reason="Non più necessario")
    hired = f.PathwayFactory(
        referral__beneficiary=planned.referral.beneficiary,
        referral__comune=comune_a,
        pathway_type="inserimento",
        host=host,
        activated_on=datetime.date(2017, 1, 10),
        status="active",
    )
    assert money_services.create_voucher(hired, kind="hiring_activation", user=pal).pk


def test_no_voucher_for_pathway_interrupted_before_start(edition, comune_a, pal):
    pathway = f.PathwayFactory(referral__comune=comune_a, status="interrupted")
    with pytest.raises(ValidationError) as error:
        money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    assert error.value.messages == [money_services.MSG_PATHWAY_CLOSED_BEFORE_START]


def test_created_voucher_has_history(edition, comune_a, pal):
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    assert voucher.revisions.count() == 1


# --- budget control ------------------------------------------------------------------------------


def test_euro_format_is_italian():
    assert format_euro(Decimal("1234.56")) == "€ 1.234,56"
    assert format_euro(Decimal("1234567.5")) == "€ 1.234.567,50"
    assert format_euro(Decimal("0.005")) == "€ 0,01"
    assert format_euro(Decimal("-12")) == "€ -12,00"


def test_approval_commits_the_budget(edition, comune_a, pal):
    plan = budget(comune_a, edition, "1000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    assert committed_total(plan) == 0
    money_services.approve_voucher(voucher, user=pal)
    voucher.refresh_from_db()
    assert voucher.status == "approved"
    assert voucher.decided_by == pal and voucher.decided_at is not None
    assert committed_total(plan) == Decimal("244.00")
    row = budget_summary(pal, edition=edition, comune=comune_a).get()
    assert row.remaining == Decimal("756.00")


def test_approval_past_the_budget_says_by_how_much(edition, comune_a, pal):
    budget(comune_a, edition, "1500.00")
    pathway = active_pathway(comune_a)
    first = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    money_services.approve_voucher(first, user=pal)  # 1256.00 left
    tutoring = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=50, user=pal)
    assert tutoring.gross == Decimal("1281.00")
    with pytest.raises(ValidationError) as error:
        money_services.approve_voucher(tutoring, user=pal)
    expected = money_services.MSG_BUDGET_EXCEEDED % {
        "comune": comune_a,
        "edition": edition,
        "excess": "€ 25,00",
        "remaining": "€ 1.256,00",
        "gross": "€ 1.281,00",
    }
    assert error.value.messages == [expected]
    assert "superato di € 25,00" in expected
    tutoring.refresh_from_db()
    assert tutoring.status == "proposed"


def test_budget_exactly_used_is_allowed(edition, comune_a, pal):
    budget(comune_a, edition, "244.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    assert money_services.approve_voucher(voucher, user=pal).status == "approved"


def test_other_comune_budget_is_not_used(edition, comune_a, comune_b, pal):
    budget(comune_b, edition, "10000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    with pytest.raises(ValidationError) as error:
        money_services.approve_voucher(voucher, user=pal)
    assert error.value.messages == [
        money_services.MSG_NO_BUDGET % {"comune": comune_a, "edition": edition}
    ]


def test_proposed_rejected_and_cancelled_do_not_commit(edition, comune_a, pal):
    plan = budget(comune_a, edition, "1000.00")
    pathway = active_pathway(comune_a)
    money_services.create_voucher(pathway, kind="tutoring_hour", quantity=3, user=pal)
    rejected = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=3, user=pal)
    money_services.reject_voucher(rejected, user=pal, reason="Ore eccessive")
    cancelled = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    money_services.approve_voucher(cancelled, user=pal)
    money_services.cancel_voucher(cancelled, user=pal, reason="Percorso non avviato")
    assert committed_total(plan) == 0


def test_invoiced_and_paid_stay_committed(edition, comune_a, pal):
    plan = budget(comune_a, edition, "1000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    money_services.approve_voucher(voucher, user=pal)
    money_services.mark_voucher_invoiced(voucher, user=pal)
    assert committed_total(plan) == Decimal("244.00")
    money_services.mark_voucher_paid(voucher, user=pal)
    voucher.refresh_from_db()
    assert voucher.status == "paid"
    assert committed_total(plan) == Decimal("244.00")
    row = budget_summary(pal, edition=edition).get(comune=comune_a)
    assert row.invoiced == Decimal("244.00")


def test_status_transitions_are_checked(edition, comune_a, pal):
    budget(comune_a, edition, "1000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    with pytest.raises(ValidationError, match=str(money_services.MSG_NOT_APPROVED)):
        money_services.mark_voucher_invoiced(voucher, user=pal)
    with pytest.raises(ValidationError, match=str(money_services.MSG_NOT_INVOICED)):
        money_services.mark_voucher_paid(voucher, user=pal)
    money_services.approve_voucher(voucher, user=pal)
    with pytest.raises(ValidationError, match=str(money_services.MSG_NOT_PROPOSED)):
        money_services.approve_voucher(voucher, user=pal)
    with pytest.raises(ValidationError, match=str(money_services.MSG_NOT_PROPOSED)):
        money_services.reject_voucher(voucher, user=pal, reason="x")
    money_services.mark_voucher_invoiced(voucher, user=pal)
    with pytest.raises(ValidationError, match=str(money_services.MSG_CANNOT_CANCEL)):
        money_services.cancel_voucher(voucher, user=pal, reason="x")


def test_reject_and_cancel_need_a_reason(edition, comune_a, pal):
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    with pytest.raises(ValidationError) as error:
        money_services.reject_voucher(voucher, user=pal, reason="  ")
    assert error.value.message_dict == {"reason": [cases_referrals.MSG_REASON_REQUIRED]}
    with pytest.raises(ValidationError):
        money_services.cancel_voucher(voucher, user=pal, reason="")


# --- team meeting --------------------------------------------------------------------------------


def test_meeting_decisions_recorded_against_meeting_and_history(edition, comune_a, pal):
    budget(comune_a, edition, "1000.00")
    meeting = _meeting()
    pathway = active_pathway(comune_a)
    yes = money_services.create_voucher(pathway, kind="traineeship_activation", user=pal)
    no = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=40, user=pal)
    money_services.record_meeting_decisions(
        meeting,
        decisions=[
            (yes, money_services.DECISION_APPROVE, ""),
            (no, money_services.DECISION_REJECT, "Troppe ore: rivedere il progetto"),
        ],
        user=pal,
    )
    yes.refresh_from_db()
    no.refresh_from_db()
    assert (yes.status, yes.meeting) == ("approved", meeting)
    assert (no.status, no.meeting, no.decision_note) == (
        "rejected",
        meeting,
        "Troppe ore: rivedere il progetto",
    )
    meeting_log = ModelLogEntry.objects.for_instance(meeting)
    assert sorted(meeting_log.values_list("action", flat=True)) == [
        "casework.voucher_approve",
        "casework.voucher_reject",
    ]
    assert (
        ModelLogEntry.objects.for_instance(yes)
        .filter(action="casework.voucher_approve", data__meeting=meeting.pk)
        .exists()
    )


def test_meeting_decisions_each_voucher_on_its_own(edition, comune_a, comune_b, pal):
    budget(comune_a, edition, "244.00")
    meeting = _meeting()
    fits = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    too_much = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    outcome = money_services.record_meeting_decisions(
        meeting,
        decisions=[
            (fits, money_services.DECISION_APPROVE, ""),
            (too_much, money_services.DECISION_APPROVE, ""),
        ],
        user=pal,
    )
    assert [v.pk for v in outcome.approved] == [fits.pk]
    [(refused, messages)] = outcome.refused
    assert refused.pk == too_much.pk
    assert messages == [
        money_services.MSG_BUDGET_EXCEEDED
        % {
            "comune": comune_a,
            "edition": edition,
            "excess": "€ 244,00",
            "remaining": "€ 0,00",
            "gross": "€ 244,00",
        }
    ]
    fits.refresh_from_db()
    too_much.refresh_from_db()
    assert (fits.status, fits.meeting_id) == ("approved", meeting.pk)
    # Nothing of the refused voucher is saved: still proposed, no meeting, no history.
    assert (too_much.status, too_much.meeting_id, too_much.decided_at) == ("proposed", None, None)
    assert (
        not ModelLogEntry.objects.for_instance(too_much)
        .filter(action="casework.voucher_approve")
        .exists()
    )
    assert list(
        ModelLogEntry.objects.for_instance(meeting).values_list("data__voucher", flat=True)
    ) == [fits.pk]


def _twenty_for_eighteen(comune, edition, pal):
    """20 proposed activations (€ 244,00 each) against a budget for 18 of them."""
    budget(comune, edition, Decimal("244.00") * 18 + Decimal("100.00"))
    return [
        money_services.create_voucher(
            active_pathway(comune), kind="traineeship_activation", user=pal
        )
        for _ in range(20)
    ]


def test_twenty_proposed_eighteen_fit_eighteen_approved(edition, comune_a, pal):
    vouchers = _twenty_for_eighteen(comune_a, edition, pal)
    outcome = money_services.record_meeting_decisions(
        _meeting(),
        decisions=[(v, money_services.DECISION_APPROVE, "") for v in vouchers],
        user=pal,
    )
    assert len(outcome.approved) == 18
    assert [v.pk for v, _messages in outcome.refused] == [v.pk for v in vouchers[18:]]
    for _voucher, messages in outcome.refused:
        assert "disponibili € 100,00, il voucher vale € 244,00" in messages[0]
    statuses = money_models.Voucher.objects.values_list("status", flat=True)
    assert sorted(statuses) == ["approved"] * 18 + ["proposed"] * 2
    plan = money_models.Budget.objects.get(comune=comune_a, edition=edition)
    assert committed_total(plan) == Decimal("244.00") * 18


def test_approve_all_that_fit_oldest_first(edition, comune_a, comune_b, pal):
    vouchers = _twenty_for_eighteen(comune_a, edition, pal)
    budget(comune_b, edition, "1000.00")
    other = money_services.create_voucher(
        active_pathway(comune_b), kind="traineeship_activation", user=pal
    )
    meeting = _meeting()
    outcome = money_services.approve_all_that_fit(meeting, vouchers=[*vouchers, other], user=pal)
    assert {v.pk for v in outcome.approved} == {v.pk for v in [*vouchers[:18], other]}
    assert [v.pk for v, _messages in outcome.refused] == [v.pk for v in vouchers[18:]]
    assert outcome.rejected == []
    assert money_models.Voucher.objects.filter(meeting=meeting, status="approved").count() == 19


def test_approve_all_that_fit_with_nothing_listed_is_refused(edition, pal):
    with pytest.raises(ValidationError, match=str(money_services.MSG_NO_DECISIONS)):
        money_services.approve_all_that_fit(_meeting(), vouchers=[], user=pal)


def test_meeting_in_the_future_cannot_decide(edition, comune_a, pal):
    budget(comune_a, edition, "1000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    future = _meeting(on=datetime.date.today() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        money_services.record_meeting_decisions(
            future, decisions=[(voucher, money_services.DECISION_APPROVE, "")], user=pal
        )
    assert error.value.messages == [money_services.MSG_MEETING_IN_FUTURE]


def test_meeting_needs_at_least_one_decision(edition, pal):
    with pytest.raises(ValidationError, match=str(money_services.MSG_NO_DECISIONS)):
        money_services.record_meeting_decisions(_meeting(), decisions=[], user=pal)


def test_meeting_rejection_needs_a_reason(edition, comune_a, pal):
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    outcome = money_services.record_meeting_decisions(
        _meeting(), decisions=[(voucher, money_services.DECISION_REJECT, "")], user=pal
    )
    assert outcome.decided == []
    assert [(v.pk, m) for v, m in outcome.refused] == [
        (voucher.pk, [cases_referrals.MSG_REASON_REQUIRED])
    ]
    voucher.refresh_from_db()
    assert voucher.status == "proposed"


# --- tutoring sessions and timesheets ------------------------------------------------------------


def _approved_tutoring(pathway, hours, pal, edition):
    budget(pathway.comune, edition, "10000.00")
    voucher = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=hours, user=pal)
    return money_services.approve_voucher(voucher, user=pal)


def test_tutoring_session_within_approved_hours(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    cases_models.PathwayActivity.objects.create(pathway=pathway, activity="tutoring")
    _approved_tutoring(pathway, 4, pal, edition)
    on = datetime.date(2016, 10, 10)
    money_delivery.record_tutoring_session(pathway, on=on, hours=Decimal("2.5"), user=pal)
    assert pathway.activities.get(activity="tutoring").done_on == on
    money_delivery.record_tutoring_session(pathway, on=on, hours=Decimal("1.5"), user=pal)
    with pytest.raises(ValidationError) as error:
        money_delivery.record_tutoring_session(pathway, on=on, hours=Decimal("0.5"), user=pal)
    assert error.value.message_dict == {
        "hours": [
            money_delivery.MSG_TUTORING_OVER_APPROVED
            % {"approved": "4", "done": "4", "hours": "0,5"}
        ]
    }


def test_tutoring_session_rules(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    _approved_tutoring(pathway, 10, pal, edition)
    cases = [
        (
            {"on": datetime.date(2016, 10, 10), "hours": 0},
            "hours",
            money_delivery.MSG_HOURS_POSITIVE,
        ),
        (
            {"on": datetime.date(2016, 10, 10), "hours": "1.25"},
            "hours",
            money_delivery.MSG_HALF_HOURS,
        ),
        (
            {"on": datetime.date(2016, 9, 30), "hours": 1},
            "on",
            money_delivery.MSG_SESSION_BEFORE_ACTIVATION,
        ),
        (
            {"on": datetime.date.today() + datetime.timedelta(days=1), "hours": 1},
            "on",
            cases_referrals.MSG_FUTURE_DATE,
        ),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as error:
            money_delivery.record_tutoring_session(pathway, user=pal, **kwargs)
        assert error.value.message_dict == {field: [message]}, kwargs
    assert not pathway.tutoring_sessions.exists()


def test_no_tutoring_session_without_tutoring_in_plan(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="assistenziale")
    with pytest.raises(ValidationError) as error:
        money_delivery.record_tutoring_session(
            pathway, on=datetime.date(2016, 10, 10), hours=1, user=pal
        )
    assert error.value.messages == [money_services.MSG_TUTORING_NOT_PLANNED]


def test_tutoring_session_not_after_end(edition, comune_a, pal):
    pathway = active_pathway(comune_a)
    _approved_tutoring(pathway, 10, pal, edition)
    pathway.ended_on = datetime.date(2016, 12, 31)
    pathway.status = "completed"
    pathway.save()
    with pytest.raises(ValidationError) as error:
        money_delivery.record_tutoring_session(
            pathway, on=datetime.date(2017, 1, 2), hours=1, user=pal
        )
    assert error.value.message_dict == {"on": [money_delivery.MSG_SESSION_AFTER_END]}


def test_timesheet_for_types_that_have_them(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="assistenziale")
    sheet = money_delivery.record_timesheet(
        pathway,
        month=datetime.date(2016, 10, 17),
        hours_worked=Decimal("80"),
        payslip_delivered_on=datetime.date(2016, 11, 10),
        user=pal,
    )
    assert sheet.month == datetime.date(2016, 10, 1)
    corrected = money_delivery.record_timesheet(
        pathway, month=datetime.date(2016, 10, 1), hours_worked=Decimal("82"), user=pal
    )
    assert corrected.pk == sheet.pk and corrected.hours_worked == Decimal("82")
    assert pathway.timesheets.count() == 1


def test_no_timesheets_for_inserimento(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="inserimento", host=f.HostOrganisationFactory())
    with pytest.raises(ValidationError) as error:
        money_delivery.record_timesheet(
            pathway, month=datetime.date(2016, 10, 1), hours_worked=10, user=pal
        )
    assert error.value.messages == [money_services.MSG_TIMESHEETS_NOT_PLANNED]


def test_timesheet_rules(edition, comune_a, pal):
    pathway = active_pathway(comune_a, pathway_type="tirocinio")
    october = datetime.date(2016, 10, 1)
    cases = [
        ({"month": datetime.date(2016, 9, 1), "hours_worked": 10}, "month"),
        ({"month": october, "hours_worked": 800}, "hours_worked"),
        ({"month": october, "hours_worked": -1}, "hours_worked"),
        (
            {"month": october, "hours_worked": 10, "cud_delivered_on": datetime.date(2016, 9, 30)},
            "cud_delivered_on",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            money_delivery.record_timesheet(pathway, user=pal, **kwargs)
        assert list(error.value.message_dict) == [field], kwargs
    assert not pathway.timesheets.exists()


# --- invoices ------------------------------------------------------------------------------------


def _approved(pathway, kind, pal, quantity=1):
    voucher = money_services.create_voucher(pathway, kind=kind, quantity=quantity, user=pal)
    return money_services.approve_voucher(voucher, user=pal)


def _invoice_kwargs(comune, edition, lines, number="1/2016"):
    return {
        "comune": comune,
        "edition": edition,
        "number": number,
        "issued_on": datetime.date(2016, 12, 31),
        "period_start": datetime.date(2016, 10, 1),
        "period_end": datetime.date(2016, 12, 31),
        "lines": lines,
    }


def test_invoice_lines_matched_to_vouchers_mark_them_invoiced(edition, comune_a, pal):
    budget(comune_a, edition, "5000.00")
    voucher = _approved(active_pathway(comune_a), "traineeship_activation", pal)
    line = {"voucher": voucher, "net": "200.00", "vat": "44.00", "gross": "244.00"}
    invoice = money_invoices.record_invoice(**_invoice_kwargs(comune_a, edition, [line]), user=pal)
    voucher.refresh_from_db()
    assert voucher.status == "invoiced"
    assert invoice.lines.get().voucher == voucher
    assert invoice.lines.get().description == str(voucher)


def test_invoice_line_rules(edition, comune_a, comune_b, pal):
    budget(comune_a, edition, "5000.00")
    budget(comune_b, edition, "5000.00")
    other = _approved(active_pathway(comune_b), "traineeship_activation", pal)
    proposed = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=pal
    )
    cases = [
        ({"voucher": other, "net": 200, "vat": 44, "gross": 244}, "voucher"),
        ({"voucher": proposed, "net": 200, "vat": 44, "gross": 244}, "voucher"),
        ({"voucher": None, "net": 200, "vat": 44, "gross": 245, "description": "x"}, "gross"),
    ]
    for line, _field in cases:
        with pytest.raises(ValidationError) as error:
            money_invoices.record_invoice(**_invoice_kwargs(comune_a, edition, [line]), user=pal)
        assert list(error.value.message_dict) == ["line_1"]
    assert not money_models.Invoice.objects.exists()
    other.refresh_from_db()
    assert other.status == "approved"
