import datetime

import pytest

from casework.cases import deadlines as d
from casework.models import Pathway, Referral, TeamMeeting
from tests import factories as f

D = datetime.date


@pytest.mark.parametrize(
    ("referred_on", "days", "due"),
    [
        (D(2016, 9, 1), 15, D(2016, 9, 16)),
        (D(2016, 1, 31), 15, D(2016, 2, 15)),  # month end
        (D(2016, 2, 20), 15, D(2016, 3, 6)),  # leap February
        (D(2017, 2, 20), 15, D(2017, 3, 7)),  # ordinary February
        (D(2016, 12, 25), 15, D(2017, 1, 9)),  # year end
        (D(2016, 9, 1), 30, D(2016, 10, 1)),  # a group's longer deadline
    ],
)
def test_intake_due(referred_on, days, due):
    assert d.intake_due(referred_on, days) == due


def test_activation_due_across_month_end():
    assert d.activation_due(D(2016, 4, 30)) == D(2016, 5, 15)


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (D(2016, 9, 9), d.OVERDUE),
        (D(2016, 9, 10), d.DUE_SOON),  # due today is not yet late
        (D(2016, 9, 13), d.DUE_SOON),  # within three days
        (D(2016, 9, 14), d.ON_TIME),
        (None, None),
    ],
)
def test_deadline_state(due, state):
    assert d.deadline_state(due, on=D(2016, 9, 10)) == state


@pytest.mark.django_db
def test_annotation_agrees_with_python_and_ignores_closed(comune_a):
    on = D(2016, 9, 20)
    late = f.ReferralFactory(referred_on=D(2016, 9, 1))  # due 16/09
    soon = f.ReferralFactory(referred_on=D(2016, 9, 7))  # due 22/09
    fine = f.ReferralFactory(referred_on=D(2016, 9, 19))  # due 04/10
    closed = f.ReferralFactory(referred_on=D(2016, 9, 1), status="declined")
    states = dict(
        d.annotate_referral_deadline(Referral.objects.all(), on=on).values_list("pk", "deadline")
    )
    assert states == {late.pk: d.OVERDUE, soon.pk: d.DUE_SOON, fine.pk: d.ON_TIME, closed.pk: ""}
    for referral in (late, soon, fine):
        assert states[referral.pk] == d.deadline_state(referral.intake_due_on, on=on)
    overdue = d.filter_referrals_by_deadline(Referral.objects.all(), d.OVERDUE, on=on)
    assert list(overdue) == [late]


@pytest.mark.django_db
def test_dashboard_lists_are_scoped(social_worker_a, comune_a, comune_b, programme_manager):
    on = D(2016, 9, 20)
    own = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    other = f.ReferralFactory(beneficiary__residence_comune=comune_b, referred_on=D(2016, 9, 1))
    assert list(d.intake_deadlines(social_worker_a, on=on)) == [own]
    assert set(d.intake_deadlines(programme_manager, on=on)) == {own, other}
    own_pathway = f.PathwayFactory(
        referral__beneficiary__residence_comune=comune_a, intake_on=D(2016, 9, 1)
    )
    f.PathwayFactory(referral__beneficiary__residence_comune=comune_b, intake_on=D(2016, 9, 1))
    active = f.PathwayFactory(referral__beneficiary__residence_comune=comune_a, status="active")
    assert list(d.activation_deadlines(social_worker_a, on=on)) == [own_pathway]
    assert active not in d.activation_deadlines(programme_manager, on=on)
    assert Pathway.objects.count() == 3


@pytest.mark.django_db
def test_team_meeting_overdue():
    on = D(2016, 9, 30)
    assert d.team_meeting_overdue(on=on) == -1
    TeamMeeting.objects.create(held_on=D(2016, 8, 1))
    TeamMeeting.objects.create(held_on=D(2016, 9, 15))
    assert d.team_meeting_overdue(on=on) is None  # 15 days: still in time
    assert d.team_meeting_overdue(on=D(2016, 10, 1)) == 16


@pytest.mark.django_db
def test_team_meeting_agenda(social_worker_a, comune_a, comune_b):
    on = D(2016, 9, 20)
    waiting = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    f.ReferralFactory(beneficiary__residence_comune=comune_b, referred_on=D(2016, 9, 1))
    defining = f.PathwayFactory(referral__beneficiary__residence_comune=comune_a)
    agenda = d.team_meeting_agenda(social_worker_a, on=on)
    assert agenda["referrals"] == [waiting]
    assert agenda["pathways"] == [defining]
    assert agenda["referrals"][0].deadline == d.OVERDUE
