"""django-q2 task functions: ids and report kinds in, ids out, never personal data (task
arguments and results are stored in the queue tables and shown in the monitor)."""

from django.utils import timezone

from . import services
from .models import ReportKind
from .periods import previous_quarter, previous_semester


def build_report(run_id):
    """Build and file one report run (queued by ``services.request_report``)."""
    return services.run_report(run_id)


PERIODS = {
    ReportKind.QUARTERLY: previous_quarter,
    ReportKind.SEMESTER: previous_semester,
}


def scheduled_reports(kind, schedule_name=""):
    """Queue the reports of the period just ended: the programme's and one per Comune."""
    from network.models import Comune

    start, end = PERIODS[ReportKind(kind)](timezone.localdate())
    runs = [
        services.request_report(
            kind, period_start=start, period_end=end, schedule_name=schedule_name
        )
    ]
    for comune in Comune.objects.order_by("name"):
        runs.append(
            services.request_report(
                kind,
                period_start=start,
                period_end=end,
                comune=comune,
                schedule_name=schedule_name,
            )
        )
    return [run.pk for run in runs]


def close_stale_runs():
    return services.close_stale_runs()


# --- Privacy (casework.privacy.services): ids and counts out, never personal data ----------------------
def anonymise_due_people():
    """Anonymise the people past the retention (RETENTION_YEARS); returns their ids."""
    from casework.privacy import services as privacy

    return privacy.anonymise_due()


def purge_audit_trail():
    """Delete audit rows older than AUDIT_RETENTION_MONTHS (never under 24); returns a count."""
    from casework.privacy import services as privacy

    return privacy.purge_audit_events()


# --- Imports (casework.imports.jobs): a run id in, its status out --------------------------------
def check_import(run_id):
    """Check an uploaded file and store its preview (queued by ``start_import``)."""
    from casework.services import check_import_run

    return check_import_run(run_id)


def write_import(run_id):
    """Write a confirmed import in one transaction (queued by ``confirm_import``)."""
    from casework.services import write_import_run

    return write_import_run(run_id)
