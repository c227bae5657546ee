import datetime

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from documents import schedules
from documents.models import ReportRun
from documents.periods import next_quarter_start, previous_quarter, previous_semester, quarter_of
from documents.tasks import scheduled_reports

D = datetime.date
pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        Schedule.objects.order_by("name").values_list(
            "name", "func", "args", "schedule_type", "repeats", "next_run"
        )
    )


def test_setup_schedules_is_idempotent():
    call_command("setup_schedules", stdout=None)
    first = snapshot()
    call_command("setup_schedules")
    assert snapshot() == first
    names = {row[0] for row in first}
    assert len(first) == len(schedules.SCHEDULES)  # other apps append theirs to the list
    assert {
        schedules.QUARTERLY_NAME,
        schedules.SEMESTER_JANUARY_NAME,
        schedules.SEMESTER_JULY_NAME,
        schedules.STALE_RUNS_NAME,
    } <= names


def test_rerunning_never_moves_a_schedule_the_cluster_advanced():
    schedules.setup_schedules(today=D(2026, 11, 25))
    quarterly = Schedule.objects.get(name=schedules.QUARTERLY_NAME)
    assert quarterly.schedule_type == Schedule.QUARTERLY
    assert quarterly.args == "('quarterly', 'Report trimestrale di attività')"
    assert quarterly.next_run.astimezone(datetime.UTC) == datetime.datetime(
        2027, 1, 1, 5, 0, tzinfo=datetime.UTC
    )  # 06:00 in Rome
    quarterly.next_run = quarterly.next_run + datetime.timedelta(days=90)
    quarterly.save()
    schedules.setup_schedules(today=D(2026, 11, 25))
    assert Schedule.objects.get(pk=quarterly.pk).next_run == quarterly.next_run


def test_semester_schedules_run_on_1_january_and_1_july():
    schedules.setup_schedules(today=D(2026, 11, 25))
    january = Schedule.objects.get(name=schedules.SEMESTER_JANUARY_NAME)
    july = Schedule.objects.get(name=schedules.SEMESTER_JULY_NAME)
    assert (january.schedule_type, july.schedule_type) == (Schedule.YEARLY, Schedule.YEARLY)
    assert january.next_run.date() == D(2027, 1, 1)
    assert july.next_run.date() == D(2027, 7, 1)


def test_other_apps_can_add_schedules():
    extra = schedules.ScheduleSpec(
        "Prova", "documents.tasks.close_stale_runs", "D", lambda today: None
    )
    schedules.setup_schedules(specs=[*schedules.SCHEDULES, extra])
    assert Schedule.objects.filter(name="Prova", schedule_type="D").exists()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 1, 1), (D(2026, 10, 1), D(2026, 12, 31))),
        (D(2027, 4, 1), (D(2027, 1, 1), D(2027, 3, 31))),
        (D(2027, 7, 15), (D(2027, 4, 1), D(2027, 6, 30))),  # a late run still means Q2
        (D(2027, 10, 1), (D(2027, 7, 1), D(2027, 9, 30))),
    ],
)
def test_previous_quarter(today, expected):
    assert previous_quarter(today) == expected


def test_periods():
    assert previous_semester(D(2027, 1, 1)) == (D(2026, 7, 1), D(2026, 12, 31))
    assert previous_semester(D(2027, 7, 1)) == (D(2027, 1, 1), D(2027, 6, 30))
    assert quarter_of(D(2016, 11, 3)) == (D(2016, 10, 1), D(2016, 12, 31))
    assert next_quarter_start(D(2026, 12, 31)) == D(2027, 1, 1)


def test_scheduled_task_queues_the_programme_and_each_comune(monkeypatch):
    monkeypatch.setattr("documents.tasks.timezone.localdate", lambda: D(2017, 4, 1))
    ids = scheduled_reports("quarterly", schedules.QUARTERLY_NAME)
    runs = ReportRun.objects.filter(pk__in=ids)
    assert runs.count() == 19
    assert runs.filter(comune__isnull=True).count() == 1
    assert {(r.period_start, r.period_end) for r in runs} == {(D(2017, 1, 1), D(2017, 3, 31))}
    assert set(runs.values_list("schedule_name", flat=True)) == {schedules.QUARTERLY_NAME}
