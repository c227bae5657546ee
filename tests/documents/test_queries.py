"""The quarterly report is computed with aggregate queries: its query count does not depend on
the number of referrals (``bench/reports_quarterly.py`` runs it over 100,000)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.builders import build_report
from tests import factories as f

from .conftest import Q1

pytestmark = pytest.mark.django_db
MAX_QUERIES = 8


def add_people(count, comune, day):
    for _ in range(count):
        referral = f.ReferralFactory(
            beneficiary=f.BeneficiaryFactory(residence_comune=comune), referred_on=day
        )
        f.PathwayFactory(
            referral=referral, intake_on=day + datetime.timedelta(days=3), activated_on=day
        )


def count_queries(**kwargs):
    with CaptureQueriesContext(connection) as context:
        build_report("quarterly", start=Q1[0], end=Q1[1], **kwargs)
    return len(context)


@pytest.mark.parametrize("one_comune", [False, True])
def test_quarterly_query_count_does_not_grow_with_referrals(
    report_data, comune_a, comune_b, one_comune, django_assert_max_num_queries
):
    kwargs = {"comune": comune_a} if one_comune else {}
    before = count_queries(**kwargs)
    add_people(30, comune_a, datetime.date(2017, 2, 10))
    add_people(30, comune_b, datetime.date(2017, 3, 10))
    with django_assert_max_num_queries(MAX_QUERIES):
        report = build_report("quarterly", start=Q1[0], end=Q1[1], **kwargs)
    assert count_queries(**kwargs) == before
    intake = report.tables[0]
    lumezzane = next(row for row in intake.rows if row[0] == "Lumezzane")
    assert lumezzane[1] == 33  # the 30 new referrals are counted, not skipped
