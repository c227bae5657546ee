"""The django-q2 schedules of the programme, by name. Other apps append to ``SCHEDULES``;
``manage.py setup_schedules`` writes them all (idempotent: keyed by name)."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .periods import next_month_start, next_quarter_start

RUN_AT = datetime.time(6, 0)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, RUN_AT))


@dataclass
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str
    first_run: object  # callable(today) -> aware datetime, used only when the schedule is new
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    minutes: int | None = None


QUARTERLY_NAME = "Report trimestrale di attività"
SEMESTER_JANUARY_NAME = "Report semestrale sugli esiti (gennaio)"
SEMESTER_JULY_NAME = "Report semestrale sugli esiti (luglio)"
STALE_RUNS_NAME = "Chiusura dei report bloccati"

# Schedule types are django-q2's codes: Q quarterly, Y yearly, H hourly.
SCHEDULES = [
    # 1 January / April / July / October: the quarter just ended.
    ScheduleSpec(
        QUARTERLY_NAME,
        "documents.tasks.scheduled_reports",
        "Q",
        lambda today: _at(next_quarter_start(today)),
        args=("quarterly", QUARTERLY_NAME),
    ),
    # django-q2 has no half-yearly type (and cron needs croniter): two yearly schedules.
    ScheduleSpec(
        SEMESTER_JANUARY_NAME,
        "documents.tasks.scheduled_reports",
        "Y",
        lambda today: _at(next_month_start(today, {1})),
        args=("semester", SEMESTER_JANUARY_NAME),
    ),
    ScheduleSpec(
        SEMESTER_JULY_NAME,
        "documents.tasks.scheduled_reports",
        "Y",
        lambda today: _at(next_month_start(today, {7})),
        args=("semester", SEMESTER_JULY_NAME),
    ),
    ScheduleSpec(
        STALE_RUNS_NAME,
        "documents.tasks.close_stale_runs",
        "H",
        lambda today: _at(today + datetime.timedelta(days=1)),
    ),
]

# --- Privacy (casework.privacy.services) ----------------------------------------------------------------
ANONYMISE_NAME = "Anonimizzazione dopo il periodo di conservazione"
AUDIT_PURGE_NAME = "Cancellazione del registro accessi oltre il periodo di conservazione"
SCHEDULES += [
    # Daily (D): a person is anonymised within a day of the retention's end.
    ScheduleSpec(
        ANONYMISE_NAME,
        "documents.tasks.anonymise_due_people",
        "D",
        lambda today: _at(today + datetime.timedelta(days=1)),
    ),
    # Monthly (M): the audit trail is kept in whole months.
    ScheduleSpec(
        AUDIT_PURGE_NAME,
        "documents.tasks.purge_audit_trail",
        "M",
        lambda today: _at(next_month_start(today, set(range(1, 13)))),
    ),
]


@transaction.atomic
def setup_schedules(specs=None, today=None):
    """Create or update each schedule by name. Returns ``[(name, created)]``.

    ``next_run`` is set only on creation: rerunning the command never moves a schedule the
    cluster has already advanced, and never makes it catch up."""
    from django_q.models import Schedule

    today = today or timezone.localdate()
    result = []
    for spec in SCHEDULES if specs is None else specs:
        _schedule, created = Schedule.objects.update_or_create(
            name=spec.name,
            defaults={
                "func": spec.func,
                "args": repr(tuple(spec.args)) if spec.args else None,
                "kwargs": repr(dict(spec.kwargs)) if spec.kwargs else None,
                "schedule_type": spec.schedule_type,
                "minutes": spec.minutes,
                "repeats": -1,
            },
            create_defaults={
                "func": spec.func,
                "args": repr(tuple(spec.args)) if spec.args else None,
                "kwargs": repr(dict(spec.kwargs)) if spec.kwargs else None,
                "schedule_type": spec.schedule_type,
                "minutes": spec.minutes,
                "repeats": -1,
                "next_run": spec.first_run(today),
            },
        )
        result.append((spec.name, created))
    return result
