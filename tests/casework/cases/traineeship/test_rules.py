"""The regional rules as data per edition: defaults with every edition, enforcement in the
pathway services (trainees per host, maximum duration), extensions and suspensions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.cases.services import pathways
from casework.cases.traineeship import services
from casework.cases.traineeship.checks import (
    MSG_HOST_TRAINEES_LIMIT,
    MSG_PLANNED_END_OVER_MAXIMUM,
)
from casework.cases.traineeship.models import TraineeshipRules
from casework.cases.traineeship.rules import add_months, host_limit, latest_end, rules_on
from casework.cases.traineeship.selectors import training_terms
from casework.money.models import Edition
from tests import factories as f

from .conftest import START

pytestmark = pytest.mark.django_db


def _messages(error):
    return [str(m) for m in error.value.messages]


def test_every_new_edition_gets_the_regional_defaults():
    edition = Edition.objects.create(
        name="2018-2019", starts_on=datetime.date(2018, 7, 1), ends_on=datetime.date(2019, 6, 30)
    )
    rules = edition.traineeship_rules
    assert rules.monthly_allowance == Decimal("500.00")
    assert rules.reduced_allowance == Decimal("400.00")
    assert rules.min_attendance_percent == 80
    assert (rules.max_months_giovane, rules.max_months_difficolta) == (6, 12)
    assert rules.max_months_svantaggiato == 12
    assert rules_on(datetime.date(2018, 12, 1)) == rules


def test_the_data_migration_covers_existing_editions():
    from importlib import import_module

    from django.apps import apps

    edition = Edition.objects.create(
        name="2019-2020", starts_on=datetime.date(2019, 7, 1), ends_on=datetime.date(2020, 6, 30)
    )
    TraineeshipRules.objects.filter(edition=edition).delete()
    migration = import_module("casework.migrations.0013_tirocini_traineeship_rules")
    migration.rules_for_existing_editions(apps, None)
    assert TraineeshipRules.objects.filter(edition=edition).exists()


def test_no_edition_covering_the_date_gives_the_unsaved_defaults():
    rules = rules_on(datetime.date(2030, 1, 1))
    assert rules.pk is None and rules.monthly_allowance == Decimal("500.00")


@pytest.mark.parametrize(
    ("employees", "limit"),
    [(0, 1), (4, 1), (5, 1), (6, 2), (20, 2), (21, 3), (30, 3), (31, 4), (100, 10), (None, None)],
)
def test_trainees_per_host_by_headcount_rounded_up(employees, limit):
    assert host_limit(TraineeshipRules(), employees) == limit


def test_a_full_small_host_refuses_the_second_trainee(make_tirocinio, activate):
    host = f.HostOrganisationFactory(employees=4)
    activate(make_tirocinio(host))
    second = make_tirocinio(host)
    with pytest.raises(ValidationError) as error:
        activate(second)
    expected = MSG_HOST_TRAINEES_LIMIT % {"employees": 4, "limit": 1}
    assert _messages(error) == [expected]
    assert expected == (
        "L'ente ospitante ha 4 dipendenti: può accogliere al massimo 1 tirocinante (DGR 7763/2018)."
    )


def test_placing_at_a_full_host_is_refused_too(make_tirocinio, activate, agency_operator):
    host = f.HostOrganisationFactory(employees=4)
    activate(make_tirocinio(host))
    other = f.PathwayFactory(status="matching", intake_on=datetime.date(2016, 9, 6))
    with pytest.raises(ValidationError) as error:
        pathways.define_pathway(
            other, user=agency_operator, position=f.PositionFactory(host=host, seats=3)
        )
    assert _messages(error) == [MSG_HOST_TRAINEES_LIMIT % {"employees": 4, "limit": 1}]


def test_the_limit_follows_the_editions_data(make_tirocinio, activate, edition):
    rules = edition.traineeship_rules
    services.update_rules(rules, user=None, small_host_trainees=2)
    host = f.HostOrganisationFactory(employees=4)
    activate(make_tirocinio(host))
    activate(make_tirocinio(host))  # two allowed now


def test_ended_tirocini_free_the_place(make_tirocinio, activate, agency_operator):
    host = f.HostOrganisationFactory(employees=4)
    first = activate(make_tirocinio(host))
    pathways.complete_pathway(
        first, on=datetime.date(2016, 11, 30), outcome="completed", user=agency_operator
    )
    activate(make_tirocinio(host))


def test_an_unknown_headcount_is_not_checked(make_tirocinio, activate):
    host = f.HostOrganisationFactory()
    activate(make_tirocinio(host))
    activate(make_tirocinio(host))


def test_other_pathway_types_are_not_counted(make_tirocinio, activate, agency_operator):
    host = f.HostOrganisationFactory(employees=3)
    position = f.PositionFactory(host=host, seats=3, pathway_types=["inserimento"])
    hire = f.PathwayFactory(
        pathway_type="inserimento", status="matching", position=position, host=host
    )
    activate(hire)
    activate(make_tirocinio(host))


def test_add_months_clamps_the_day():
    assert add_months(datetime.date(2016, 8, 31), 6) == datetime.date(2017, 2, 28)
    assert add_months(datetime.date(2016, 10, 3), 12) == datetime.date(2017, 10, 3)


@pytest.mark.parametrize(
    ("target", "months", "latest"),
    [
        ("giovane", 6, datetime.date(2017, 4, 2)),
        ("difficolta", 12, datetime.date(2017, 10, 2)),
        ("svantaggiato", 12, datetime.date(2017, 10, 2)),
    ],
)
def test_planned_end_within_the_maximum_for_the_target(
    make_tirocinio, activate, target, months, latest
):
    host = f.HostOrganisationFactory()
    pathway = make_tirocinio(host, target_group=target, planned_end_on=latest)
    activate(pathway)  # exactly the maximum: allowed
    pathway.refresh_from_db()
    assert latest_end(pathway) == latest
    assert training_terms(pathway)["max_months"] == months


def test_activation_refuses_a_planned_end_past_the_maximum(make_tirocinio, activate):
    pathway = make_tirocinio(
        f.HostOrganisationFactory(),
        target_group="giovane",
        planned_end_on=datetime.date(2017, 4, 3),
    )
    with pytest.raises(ValidationError) as error:
        activate(pathway)
    assert _messages(error) == [
        MSG_PLANNED_END_OVER_MAXIMUM
        % {
            "target": "Giovane in cerca di prima esperienza",
            "months": 6,
            "latest": "02/04/2017",
        }
    ]


def test_define_and_update_refuse_a_planned_end_past_the_maximum(
    make_tirocinio, activate, agency_operator
):
    pathway = make_tirocinio(f.HostOrganisationFactory(), target_group="giovane")
    # Before activation the duration counts from the intake (06/09/2016).
    with pytest.raises(ValidationError):
        pathways.define_pathway(
            pathway, user=agency_operator, planned_end_on=datetime.date(2017, 3, 6)
        )
    pathways.define_pathway(pathway, user=agency_operator, planned_end_on=datetime.date(2017, 3, 5))
    activate(pathway)
    with pytest.raises(ValidationError) as error:
        pathways.update_pathway(
            pathway, user=agency_operator, planned_end_on=datetime.date(2017, 4, 3)
        )
    assert "DGR 7763/2018" in _messages(error)[0]
    pathways.update_pathway(pathway, user=agency_operator, planned_end_on=datetime.date(2017, 4, 2))


def test_extension_within_the_maximum(active_tirocinio, agency_operator):
    extension = services.extend_traineeship(
        active_tirocinio,
        on=datetime.date(2017, 3, 1),
        new_end_on=datetime.date(2017, 9, 30),
        reason="Consolidare le competenze",
        user=agency_operator,
    )
    active_tirocinio.refresh_from_db()
    assert active_tirocinio.planned_end_on == datetime.date(2017, 9, 30)
    assert extension.previous_end_on == datetime.date(2017, 3, 31)
    with pytest.raises(ValidationError) as error:
        services.extend_traineeship(
            active_tirocinio,
            on=datetime.date(2017, 3, 2),
            new_end_on=datetime.date(2017, 10, 3),
            reason="Ancora",
            user=agency_operator,
        )
    assert "02/10/2017" in _messages(error)[0]


def test_extension_must_move_the_end_later(active_tirocinio, agency_operator):
    with pytest.raises(ValidationError) as error:
        services.extend_traineeship(
            active_tirocinio,
            on=datetime.date(2017, 3, 1),
            new_end_on=datetime.date(2017, 3, 31),
            reason="x",
            user=agency_operator,
        )
    assert _messages(error) == [services.MSG_EXTENSION_NEEDS_LATER_END % {"date": "31/03/2017"}]


def test_suspended_days_do_not_count_toward_the_maximum(active_tirocinio, agency_operator):
    services.suspend_traineeship(
        active_tirocinio, on=datetime.date(2016, 12, 1), reason="Malattia", user=agency_operator
    )
    with pytest.raises(ValidationError) as error:
        services.suspend_traineeship(
            active_tirocinio, on=datetime.date(2016, 12, 2), reason="x", user=agency_operator
        )
    assert _messages(error) == [services.MSG_ALREADY_SUSPENDED]
    with pytest.raises(ValidationError):
        services.resume_traineeship(
            active_tirocinio, on=datetime.date(2016, 12, 1), user=agency_operator
        )
    services.resume_traineeship(
        active_tirocinio, on=datetime.date(2016, 12, 31), user=agency_operator
    )
    active_tirocinio.refresh_from_db()
    # 12 months from 03/10/2016 (to 02/10/2017) plus the 30 suspended days.
    assert latest_end(active_tirocinio) == datetime.date(2017, 11, 1)
    services.extend_traineeship(
        active_tirocinio,
        on=datetime.date(2017, 3, 1),
        new_end_on=datetime.date(2017, 11, 1),
        reason="Recupero della sospensione",
        user=agency_operator,
    )
    with pytest.raises(ValidationError) as error:
        services.resume_traineeship(
            active_tirocinio, on=datetime.date(2017, 3, 1), user=agency_operator
        )
    assert _messages(error) == [services.MSG_NOT_SUSPENDED]


def test_extensions_and_suspensions_are_for_active_tirocini(agency_operator, edition):
    hire = f.active_pathway(f.comune("Gardone Val Trompia"), pathway_type="inserimento")
    with pytest.raises(ValidationError) as error:
        services.suspend_traineeship(hire, on=START, reason="x", user=agency_operator)
    assert _messages(error) == [services.MSG_NOT_A_TRAINEESHIP]
    waiting = f.PathwayFactory(status="matching")
    with pytest.raises(ValidationError) as error:
        services.suspend_traineeship(waiting, on=START, reason="x", user=agency_operator)
    assert _messages(error) == [services.MSG_TRAINEESHIP_NOT_ACTIVE]


def test_training_terms_read_the_editions_rules(active_tirocinio, edition):
    terms = training_terms(active_tirocinio)
    assert terms == {
        "monthly_allowance": Decimal("500.00"),
        "min_attendance_percent": 80,
        "max_months": 12,
        "rule_reference": "DGR Lombardia n. 7763 del 17/01/2018",
    }
    services.update_rules(edition.traineeship_rules, user=None, monthly_allowance=Decimal("550"))
    assert training_terms(active_tirocinio)["monthly_allowance"] == Decimal("550.00")


def test_reduced_and_public_host_allowances(make_tirocinio, edition):
    part_time = make_tirocinio(f.HostOrganisationFactory(), hours_per_week=20)
    assert training_terms(part_time)["monthly_allowance"] == Decimal("400.00")
    services.update_rules(
        edition.traineeship_rules, user=None, public_host_allowance=Decimal("450.00")
    )
    public = make_tirocinio(f.HostOrganisationFactory(kind="ente_pubblico"), hours_per_week=30)
    assert training_terms(public)["monthly_allowance"] == Decimal("450.00")
