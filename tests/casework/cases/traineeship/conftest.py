"""Set-ups of the traineeship tests. Every activation goes through ``activate`` here, so a later
rule of activation (e.g. signed papers) is adapted in one place."""

import datetime

import pytest

from casework.cases.services import pathways
from tests import factories as f

INTAKE = datetime.date(2016, 9, 6)
START = datetime.date(2016, 10, 3)


@pytest.fixture
def edition(db):
    return f.seed_edition()


@pytest.fixture
def activate(agency_operator):
    """``activate(pathway, on=START, position=None)``: a tirocinio activated by the service."""

    def _activate(pathway, *, on=START, position=None):
        # The papers are signed first (activation refuses without them), for the host it starts at.
        pathway = f.sign_papers(pathway, agency_operator, position=position, on=INTAKE)
        return pathways.activate_pathway(pathway, on=on, user=agency_operator)

    return _activate


@pytest.fixture
def make_tirocinio(edition):
    """A tirocinio being matched (intake 06/09/2016) at ``host`` (a new position there)."""

    def _make(host, *, target_group="difficolta", hours_per_week=None, planned_end_on=None):
        position = f.PositionFactory(host=host, seats=5)
        return f.PathwayFactory(
            referral__beneficiary__target_group=target_group,
            intake_on=INTAKE,
            status="matching",
            position=position,
            host=host,
            hours_per_week=hours_per_week,
            planned_end_on=planned_end_on,
        )

    return _make


@pytest.fixture
def active_tirocinio(make_tirocinio, activate):
    host = f.HostOrganisationFactory(employees=30)
    pathway = make_tirocinio(host, hours_per_week=30, planned_end_on=datetime.date(2017, 3, 31))
    return activate(pathway)
