"""Running an import: the importer of each kind, and the entry point the views, the commands and the tasks call."""

from django.db import DatabaseError, transaction
from django.utils import timezone

from .base import ImportResult, _log_database_error
from .budgets import BudgetImporter
from .messages import MSG_DATABASE_ERROR
from .referrals import ReferralImporter

IMPORTERS = {ReferralImporter.kind: ReferralImporter, BudgetImporter.kind: BudgetImporter}


def import_file(
    kind, fileobj, *, filename, user=None, dry_run=False, on_row=None, source="admin", run=None
):
    """Import through the resource of ``kind`` and record the run (``ImportRun``): who, when,
    which file, the counts and the outcome. ``run`` is the admin's preview record to complete.
    A database error is recorded as a failed run with ``MSG_DATABASE_ERROR``."""
    from .models import ImportRun
    from .resources import RESOURCES

    try:
        # A savepoint: after a database error the connection stays usable to record the run.
        with transaction.atomic():
            resource = RESOURCES[kind][0](user=user)
            result = resource.import_file(
                fileobj, filename=filename, dry_run=dry_run, on_row=on_row
            )
    except DatabaseError as error:  # raised before the importer's own handling, e.g. setup
        _log_database_error(kind, error)
        result = ImportResult(failed=str(MSG_DATABASE_ERROR))
    if result.refused:
        status = ImportRun.Status.REFUSED
    elif result.errors or result.failed:
        status = ImportRun.Status.FAILED
    elif dry_run:
        status = ImportRun.Status.DRY_RUN
    else:
        status = ImportRun.Status.COMPLETED
    run = run or ImportRun(kind=kind, file_name=str(filename)[:255], source=source)
    run.user = user if user is not None and user.is_authenticated else None
    run.status = status
    run.created, run.updated = result.created, result.updated
    run.unchanged, run.errors = result.unchanged, result.errors
    run.message = result.refused or result.failed or result.summary()
    run.finished_at = timezone.now()
    run.save()
    result.run = run
    return result
