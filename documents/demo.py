"""Demo: the private report collections, the schedules and one generated report."""

from django.utils import timezone

from .collections import ensure_report_collections
from .models import ReportKind, ReportRun, RunStatus
from .periods import previous_quarter, quarter_of
from .schedules import setup_schedules


def _demo_period():
    """The first quarter of the latest edition (where demo referrals live), else the last one."""
    from casework.models import Edition

    edition = Edition.objects.order_by("-starts_on").first()
    if edition is not None and edition.starts_on <= timezone.localdate():
        start, end = quarter_of(edition.starts_on)
        if end <= timezone.localdate():
            return start, end
    return previous_quarter(timezone.localdate())


def load_reports(context):
    from . import services

    ensure_report_collections()
    setup_schedules()
    start, end = _demo_period()
    done = ReportRun.objects.filter(
        kind=ReportKind.QUARTERLY,
        period_start=start,
        period_end=end,
        comune=None,
        status=RunStatus.DONE,
    ).exists()
    if not done:
        # Built here rather than queued: a fresh install has no qcluster running yet.
        run = ReportRun.objects.create(
            kind=ReportKind.QUARTERLY,
            period_start=start,
            period_end=end,
            schedule_name="Dati dimostrativi",
        )
        services.run_report(run.pk)
    context["stdout"].write(
        f"  report trimestrale {start:%d/%m/%Y}–{end:%d/%m/%Y} archiviato; pianificazioni pronte"
    )


STEPS = [(60, "Report, raccolte private e pianificazioni", load_reports)]
