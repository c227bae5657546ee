"""Report builders: one module per kind computes the figures, ``pdf`` and ``xlsx`` render them."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ReportKind
from . import budget, invoices, quarterly, semester
from .base import Report

BUILDERS = {
    ReportKind.QUARTERLY: quarterly.build,
    ReportKind.SEMESTER: semester.build,
    ReportKind.BUDGET: budget.build,
    ReportKind.INVOICES: invoices.build,
}


def build_report(kind, *, start, end, comune=None):
    """Compute the figures of one report (no files yet)."""
    report = Report(
        kind=kind,
        title=str(ReportKind(kind).label),
        period_start=start,
        period_end=end,
        scope_label=comune.name if comune else _("Intero programma"),
        generated_on=timezone.localtime(),
    )
    return BUILDERS[ReportKind(kind)](report, comune=comune, start=start, end=end)
