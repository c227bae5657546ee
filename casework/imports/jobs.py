"""Imports as jobs: the upload is stored and checked by a django-q2 task, the preview (counts,
every error, every row) is stored in the database, and the confirmed write is a second task.

Nothing long happens in a web request: ``start_import`` and ``confirm_import`` record the run,
save the file and queue a task once the transaction commits (``documents.tasks.check_import`` /
``write_import``, which call ``check_import_run`` / ``write_import_run`` here).

- **All or nothing.** The write task runs the importer's one transaction; the run is marked
  completed inside that same transaction (``on_written``), so either the rows and the
  "completed" are both committed or neither is. It checks every row again (the data may have
  changed since the preview).
- **Idempotent.** A task only works on a run in its own state (``checking`` / ``writing``);
  confirming twice queues one write; a write delivered twice (a worker crashed and the queue
  retried it) finds the run completed, under the per-kind import lock, and writes nothing.
- **One at a time.** At most one run of a kind checks or writes per scope (the uploader's
  Comuni): a partial unique constraint on ``ImportRun`` refuses a second one with
  ``MSG_IMPORT_RUNNING``. The writes themselves are serialised per kind by ``lock_imports``.
- **Progress in the database.** ``rows_total`` and ``rows_read`` on the run, read by the run's
  page and its JSON status from any web process. While the importer's transaction is open the
  count is written through a second connection (PostgreSQL); SQLite has one writer at a time,
  so there the count moves when the check is over.
- **Failure.** A database error (a lost connection, PostgreSQL restarting) rolls the write
  back; the run is marked failed with ``MSG_WRITE_FAILED`` (retrying until the database
  answers again), the file is kept and ``retry_import`` queues it again.
"""

import contextlib
import datetime
import json
import logging
import tempfile
import time

from django.core.exceptions import ValidationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone

from casework.permissions.access import visible_comune_ids
from network.models import Comune

from .base import ImportResult, _log_database_error
from .messages import (
    ERROR,
    MSG_DATA_CHANGED,
    MSG_IMPORT_RUNNING,
    MSG_NOT_CONFIRMABLE,
    MSG_WRITE_FAILED,
)
from .models import ImportRow, ImportRun

logger = logging.getLogger(__name__)

CHECK_TASK = "documents.tasks.check_import"
WRITE_TASK = "documents.tasks.write_import"

RUNNING = (ImportRun.Status.CHECKING, ImportRun.Status.WRITING)
PROGRESS_EVERY = 1000
ROW_BATCH = 1000
# Recording a failure waits for the database to come back: 40 tries half a second apart.
RECORD_TRIES = 40
RECORD_PAUSE = 0.5


def scope_of(user):
    """The Comuni a run may touch, as text: "*" for who sees every Comune."""
    ids = visible_comune_ids(user) if user is not None else None
    if ids is None:
        return "*"
    codes = Comune.objects.filter(pk__in=ids).order_by("istat_code")
    return ",".join(codes.values_list("istat_code", flat=True))[:255]


def enqueue(task, run_id):
    from django_q.tasks import async_task

    return async_task(task, run_id, task_name=f"import-{run_id}", group="import")


def _queue(task, run_id):
    # robust: a failure to enqueue (or, in sync mode, a failed task, already recorded on the
    # run) must not turn the committed request into an error page.
    transaction.on_commit(lambda: enqueue(task, run_id), robust=True)


@transaction.atomic
def start_import(kind, *, upload, user):
    """Record a run for the uploaded file, store the file privately (``ImportRun.upload``) and
    queue its check. Refuses a second run of the kind for the same Comuni while one runs."""
    run = ImportRun(
        kind=kind,
        user=user,
        file_name=upload.name[:255],
        status=ImportRun.Status.CHECKING,
        scope=scope_of(user),
    )
    run.full_clean(exclude=["upload"])  # the constraint: MSG_IMPORT_RUNNING
    run.upload.save(upload.name, upload, save=False)
    run.rows_total = count_rows(run)  # a few milliseconds for the largest file allowed
    try:
        _save(run)
    except ValidationError:
        run.upload.delete(save=False)
        raise
    _queue(CHECK_TASK, run.pk)
    return run


def _save(run):
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:  # a run started between the check and the write
        raise ValidationError(MSG_IMPORT_RUNNING, code="running") from None


def _locked(run, user):
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if user is None or locked.user_id != user.pk:
        raise ValidationError(MSG_NOT_CONFIRMABLE, code="not_yours")
    return locked


@transaction.atomic
def confirm_import(run, *, user):
    """Queue the write of a checked run. Confirming again (a double click, a second tab) while
    it is written or after it was written changes nothing and queues nothing."""
    run = _locked(run, user)
    if run.status in (ImportRun.Status.WRITING, ImportRun.Status.COMPLETED):
        return run
    if run.status != ImportRun.Status.PREVIEW or not run.upload or run.errors:
        raise ValidationError(MSG_NOT_CONFIRMABLE, code="not_confirmable")
    return _requeue(run, ImportRun.Status.WRITING)


@transaction.atomic
def retry_import(run, *, user):
    """Queue again a run the database failed (its file was kept): the write when the check had
    passed, otherwise the check."""
    run = _locked(run, user)
    if run.status in RUNNING:
        return run
    if run.status != ImportRun.Status.FAILED or not run.upload:
        raise ValidationError(MSG_NOT_CONFIRMABLE, code="not_retryable")
    status = ImportRun.Status.WRITING if run.checked_at else ImportRun.Status.CHECKING
    return _requeue(run, status)


def _requeue(run, status):
    run.status = status
    run.rows_read = 0
    run.message = ""
    run.finished_at = None
    run.full_clean(exclude=["upload"])  # the constraint: MSG_IMPORT_RUNNING
    _save(run)
    _queue(WRITE_TASK if status == ImportRun.Status.WRITING else CHECK_TASK, run.pk)
    return run


@transaction.atomic
def cancel_import(run, *, user):
    run = _locked(run, user)
    if run.status in RUNNING or not run.upload:
        raise ValidationError(MSG_NOT_CONFIRMABLE, code="not_cancellable")
    run.rows.all().delete()
    _discard(run, ImportRun.Status.CANCELLED)
    return run


STALE_RUN = datetime.timedelta(days=1)


def purge_stale_runs():
    """Abandoned previews, and files kept for a retry nobody made, must not keep personal data
    in the storage; nor the stored rows of any run older than a day."""
    stale = ImportRun.objects.filter(started_at__lt=timezone.now() - STALE_RUN)
    for run in stale.filter(status=ImportRun.Status.PREVIEW):
        _discard(run, ImportRun.Status.CANCELLED)
    for run in stale.filter(status=ImportRun.Status.FAILED).exclude(upload=""):
        _discard(run)
    ImportRow.objects.filter(run__in=stale.exclude(status__in=RUNNING)).delete()


def _discard(run, status=None):
    if run.upload:
        run.upload.delete(save=False)
    fields = ["upload"]
    if status:
        run.status = status
        fields.append("status")
    run.save(update_fields=fields)


# --- The tasks' work ------------------------------------------------------------------------


class _Progress:
    """Rows read so far, written to the run every ``PROGRESS_EVERY`` rows where another process
    can see it."""

    def __init__(self, run_id):
        self.run_id = run_id
        self.count = 0
        self.side = None

    def tick(self):
        self.count += 1
        if self.count % PROGRESS_EVERY == 0:
            self.flush()

    def flush(self):
        if not connection.in_atomic_block:
            ImportRun.objects.filter(pk=self.run_id).update(rows_read=self.count)
        elif connection.vendor == "postgresql":
            # The importer's transaction is open and its writes are invisible until it ends: the
            # count goes through a connection of its own, committed at once.
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with self.side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ImportRun._meta.db_table} SET rows_read = %s WHERE id = %s",  # noqa: S608 (our table's name)
                        [self.count, self.run_id],
                    )
            except DatabaseError:
                self.close()  # progress is a courtesy: never fail the import for it

    def close(self):
        if self.side is not None:
            with contextlib.suppress(DatabaseError):
                self.side.close()
            self.side = None


class _Spool:
    """The outcomes of the rows, kept in a temporary file (not in memory) until the importer's
    transaction is over and they can be stored."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed by close())

    def add(self, outcome):
        errors = [[error.column, error.message] for error in outcome.errors]
        record = [outcome.line, outcome.status, outcome.label, list(outcome.changes), errors]
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def store(self, run_id):
        self.file.seek(0)
        batch = []
        for text in self.file:
            line, status, label, changes, errors = json.loads(text)
            batch.append(
                ImportRow(
                    run_id=run_id,
                    line=line,
                    status=status,
                    label=label[:255],
                    changes=", ".join(changes)[:500],
                    errors=errors,
                )
            )
            if len(batch) >= ROW_BATCH:
                ImportRow.objects.bulk_create(batch)
                batch = []
        if batch:
            ImportRow.objects.bulk_create(batch)

    def close(self):
        self.file.close()


def count_rows(run):
    """About how many rows the file has, for the progress bar: its lines less the header (a
    CSV), the sheet's declared rows (an XLSX)."""
    upload = run.upload
    upload.open("rb")
    try:
        head = upload.read(4)
        upload.seek(0)
        if head == b"PK\x03\x04":
            try:
                import openpyxl

                workbook = openpyxl.load_workbook(upload, read_only=True)
                rows = workbook.worksheets[0].max_row or 0
                workbook.close()
            except Exception:  # a damaged file: the check will say so
                rows = 0
            return max(rows - 1, 0)
        lines = 0
        last = b""
        for chunk in iter(lambda: upload.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk
        if last and not last.endswith(b"\n"):
            lines += 1
        return max(lines - 1, 0)
    finally:
        upload.close()


def _import(run, *, dry_run, on_row, on_begin=None, on_written=None):
    from .services import IMPORTERS

    importer = IMPORTERS[run.kind](user=run.user, dry_run=dry_run, on_row=on_row)
    importer.on_begin = on_begin
    importer.on_written = on_written
    run.upload.open("rb")
    try:
        result = importer.run(getattr(run.upload, "file", run.upload), run.file_name)
    except DatabaseError as error:  # before the importer's own handling, e.g. its setup
        _log_database_error(run.kind, error)
        result = ImportResult(failed=str(MSG_WRITE_FAILED))
    finally:
        run.upload.close()
    if result.failed:
        result.failed = str(MSG_WRITE_FAILED)
    return result


def _record(run_id, **fields):
    """Update the run, waiting for the database when it has just failed (it may be restarting).
    Returns False when it never answered: the task then fails and the queue retries it."""
    for _attempt in range(RECORD_TRIES):
        try:
            ImportRun.objects.filter(pk=run_id).update(**fields)
            return True
        except DatabaseError:
            if connection.in_atomic_block:
                raise
            connection.close()
            time.sleep(RECORD_PAUSE)
    return False


def _counts(result):
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.errors,
    }


def _fail_on_database(run):
    if not _record(
        run.pk,
        status=ImportRun.Status.FAILED,
        message=str(MSG_WRITE_FAILED),
        finished_at=timezone.now(),
    ):
        raise DatabaseError("the import's failure could not be recorded")


def _end_without_file(run, status, **fields):
    if run.upload:
        run.upload.delete(save=False)
    _record(run.pk, status=status, upload="", finished_at=timezone.now(), **fields)


def check_import_run(run_id):
    """The check task: read the stored file without writing, store the preview. Returns the
    run's status."""
    run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None or run.status != ImportRun.Status.CHECKING:
        return run and run.status
    try:
        run.rows.all().delete()  # a check re-run after a crash starts again
        total = count_rows(run)
        ImportRun.objects.filter(pk=run.pk).update(rows_total=total, rows_read=0)
    except DatabaseError as error:
        _log_database_error(run.kind, error)
        _fail_on_database(run)
        return ImportRun.Status.FAILED
    progress = _Progress(run.pk)
    spool = _Spool()

    def on_row(outcome):
        spool.add(outcome)
        progress.tick()

    try:
        result = _import(run, dry_run=True, on_row=on_row)
        progress.close()
        if result.failed:
            _fail_on_database(run)
            return ImportRun.Status.FAILED
        if result.refused:
            _end_without_file(run, ImportRun.Status.REFUSED, message=result.refused)
            return ImportRun.Status.REFUSED
        try:
            with transaction.atomic():
                spool.store(run.pk)
                fields = _counts(result) | {"rows_read": result.total, "message": result.summary()}
                if result.errors:
                    # Not importable: the file must be corrected and uploaded again; the rows
                    # stay for the preview to explain each error.
                    run.upload.delete(save=False)
                    fields |= {
                        "status": ImportRun.Status.FAILED,
                        "upload": "",
                        "finished_at": timezone.now(),
                    }
                else:
                    fields |= {"status": ImportRun.Status.PREVIEW, "checked_at": timezone.now()}
                ImportRun.objects.filter(pk=run.pk).update(**fields)
        except DatabaseError as error:
            _log_database_error(run.kind, error)
            _fail_on_database(run)
            return ImportRun.Status.FAILED
        return fields["status"]
    finally:
        progress.close()
        spool.close()


def write_import_run(run_id):
    """The write task: import the confirmed run's file in one transaction. Returns the run's
    status."""
    run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None or run.status != ImportRun.Status.WRITING:
        return run and run.status
    progress = _Progress(run.pk)
    spool = _Spool()

    def on_row(outcome):
        if outcome.status == ERROR:
            spool.add(outcome)
        progress.tick()

    def on_begin():
        # Under the import lock: a write delivered twice finds the first one committed.
        return ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.WRITING).exists()

    def on_written(result):
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.COMPLETED,
            rows_read=result.total,
            message=result.summary(),
            finished_at=timezone.now(),
            **_counts(result),
        )

    try:
        result = _import(
            run, dry_run=False, on_row=on_row, on_begin=on_begin, on_written=on_written
        )
        progress.close()
        if result.skipped:
            return ImportRun.Status.COMPLETED
        if result.failed:
            _fail_on_database(run)
            return ImportRun.Status.FAILED
        if result.written:
            run.rows.all().delete()
            _discard(run)
            return ImportRun.Status.COMPLETED
        if result.refused:
            _end_without_file(run, ImportRun.Status.REFUSED, message=result.refused)
            return ImportRun.Status.REFUSED
        # The data changed since the preview: some rows now have errors and nothing was written.
        with transaction.atomic():
            run.rows.all().delete()
            spool.store(run.pk)
        _end_without_file(
            run,
            ImportRun.Status.FAILED,
            message=f"{MSG_DATA_CHANGED} {result.summary()}",
            rows_read=result.total,
            **_counts(result),
        )
        return ImportRun.Status.FAILED
    finally:
        progress.close()
        spool.close()
