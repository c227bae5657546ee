"""A person's timeline (casework.cases.timeline) and the person's page that shows it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from casework.audit.services import Action, record_event
from casework.cases.timeline import person_timeline
from casework.models import AuditEvent
from casework.money import models as money_models
from tests import factories as f
from tests.e2e.page_checks import problems

pytestmark = pytest.mark.django_db

D = datetime.date
# The user's Comuni and role, referrals, their pathways, team meetings, checklist items,
# follow-ups, vouchers, their deciders, tutoring sessions, their operators, timesheets; the
# audit rows for the manager: the same number whatever the rows.
TIMELINE_QUERIES = 13


def _story(comune, *, operator=None):
    """One person with a full pathway: referral, intake, checklist, activation at a position,
    a voucher decided, tutoring, a payslip and a CUD, a follow-up and the end."""
    host = f.HostOrganisationFactory()
    position = f.PositionFactory(host=host)
    pathway = f.PathwayFactory(
        referral__beneficiary__residence_comune=comune,
        referral__comune=comune,
        host=host,
        position=position,
        activated_on=D(2016, 10, 1),
        first_interview_on=D(2016, 9, 10),
        ended_on=D(2017, 3, 31),
        status="completed",
        outcome="hired",
        operator=operator,
    )
    item = pathway.activities.create(activity="cv", done_on=D(2016, 9, 12), done_by=operator)
    assert item.pk
    pathway.follow_ups.create(on=D(2017, 6, 30), situation="employed", note="Assunta")
    voucher = f.VoucherFactory(pathway=pathway, status="approved", decided_by=operator)
    money_models.Voucher.objects.filter(pk=voucher.pk).update(
        created_at=datetime.datetime(2016, 9, 15, 9, 0, tzinfo=datetime.UTC),
        decided_at=datetime.datetime(2016, 9, 20, 8, 30, tzinfo=datetime.UTC),
    )
    money_models.TutoringSession.objects.create(
        pathway=pathway, on=D(2016, 11, 3), hours=Decimal("2.5"), operator=operator
    )
    money_models.Timesheet.objects.create(
        pathway=pathway,
        month=D(2016, 10, 1),
        hours_worked=Decimal("80"),
        payslip_delivered_on=D(2016, 11, 10),
        cud_delivered_on=D(2017, 2, 28),
    )
    return pathway


def test_timeline_newest_first_with_every_kind_of_event(agency_operator, comune_a):
    operator = f.UserFactory(username="op", first_name="Maria", last_name="Rossi")
    pathway = _story(comune_a, operator=operator)
    person = pathway.referral.beneficiary

    events = person_timeline(person, agency_operator)["events"]

    kinds = [event.kind for event in events]
    for kind in (
        "referral",
        "intake",
        "defined",
        "activity",
        "activated",
        "placement",
        "voucher",
        "decision",
        "tutoring",
        "payslip",
        "cud",
        "completed",
        "follow_up",
    ):
        assert kind in kinds, kind
    dates = [event.on for event in events]
    assert dates == sorted(dates, reverse=True)
    assert kinds[0] == "follow_up"
    assert kinds[-1] == "referral"
    # The decision's moment is shown in Rome (08:30 UTC is 10:30 in summer time).
    decision = next(event for event in events if event.kind == "decision")
    assert decision.at.strftime("%H:%M") == "10:30"
    assert decision.who == "Maria Rossi"
    tutoring = next(event for event in events if event.kind == "tutoring")
    assert tutoring.title == "Tutoraggio: 2,5 ore"
    assert tutoring.url.endswith("#erogazione")
    # No one sees who opened the record but the programme manager.
    assert "view" not in kinds


def test_timeline_is_scoped_to_the_users_comuni(social_worker_b, social_worker_a, comune_a):
    person = _story(comune_a).referral.beneficiary
    assert person_timeline(person, social_worker_b)["events"] == []
    assert person_timeline(person, social_worker_a)["events"]


def test_programme_manager_sees_who_opened_the_record(programme_manager, agency_operator, comune_a):
    person = _story(comune_a).referral.beneficiary
    agency_operator.first_name, agency_operator.last_name = "Luca", "Bianchi"
    agency_operator.save()
    record_event(agency_operator, Action.VIEW, person, detail="inspect")

    events = person_timeline(person, programme_manager)["events"]

    views = [event for event in events if event.kind == "view"]
    assert [event.who for event in views] == ["Luca Bianchi"]


def test_timeline_queries_do_not_grow_with_rows(
    programme_manager, comune_a, django_assert_max_num_queries
):
    first = _story(comune_a)
    person = first.referral.beneficiary
    with django_assert_max_num_queries(TIMELINE_QUERIES):
        small = person_timeline(person, programme_manager)["events"]
    for _ in range(3):
        other = f.PathwayFactory(referral__beneficiary=person, referral__comune=comune_a)
        other.activities.create(activity="cv", done_on=D(2016, 9, 15))
        other.follow_ups.create(on=D(2017, 1, 15), situation="employed")
        money_models.TutoringSession.objects.create(pathway=other, on=D(2016, 12, 1), hours=1)
        f.VoucherFactory(pathway=other)
    with django_assert_max_num_queries(TIMELINE_QUERIES):
        big = person_timeline(person, programme_manager)["events"]
    assert len(big) > len(small)


def test_person_page_shows_the_timeline_and_is_audited(client, agency_operator, comune_a):
    person = _story(comune_a).referral.beneficiary
    client.force_login(agency_operator)

    response = client.get(reverse("wagtailsnippets_casework_beneficiary:inspect", args=[person.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "La storia della persona" in html
    assert "Tutoraggio: 2,5 ore" in html
    assert "Busta paga consegnata (10/2016)" in html
    assert problems(strip_tags(html.split('id="main"', 1)[-1])) == []
    assert html.index("Monitoraggio: ") < html.index("Percorso attivato")
    assert AuditEvent.objects.filter(
        action=Action.VIEW, beneficiary_id=person.pk, user=agency_operator
    ).exists()
