"""Requesting, running and filing reports.

A run is claimed under a row lock, built entirely in memory, and only then filed: both
documents and the run's "done" status are written in one transaction, so a failure at any point
leaves no document behind."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.documents import get_document_model

from casework.access import can_see_comune, visible_comune_ids

from .collections import collection_for
from .files import attempt_directory, attempt_token, unguessable_name
from .models import ReportKind, ReportRun, RunStatus

logger = logging.getLogger(__name__)

BUILD_TASK = "documents.tasks.build_report"

ERROR_PERIOD_ORDER = gettext_lazy("La fine del periodo precede l'inizio.")
ERROR_PERIOD_FUTURE = gettext_lazy("Il periodo non può terminare dopo oggi.")
ERROR_PERIOD_TOO_LONG = gettext_lazy("Il periodo di un report non può superare due anni.")
ERROR_KIND = gettext_lazy("Tipo di report sconosciuto.")
ERROR_COMUNE_NOT_ALLOWED = gettext_lazy("Non può richiedere report di questo Comune.")
ERROR_PROGRAMME_NOT_ALLOWED = gettext_lazy(
    "Solo il responsabile PAL e l'agenzia possono richiedere report dell'intero programma."
)
ERROR_STALE = gettext_lazy("L'elaborazione ha superato il tempo massimo e non è stata completata.")
ERROR_RETRYING = gettext_lazy(
    "Tentativo %(attempt)d non riuscito, nuovo tentativo in coda: %(error)s"
)
MAX_PERIOD_DAYS = 2 * 366


def _q_cluster():
    return getattr(settings, "Q_CLUSTER", {})


def max_attempts():
    """Tries the queue grants a failing run; sync mode (tests, no cluster) has just one."""
    conf = _q_cluster()
    if conf.get("sync"):
        return 1
    return max(1, int(conf.get("max_attempts") or 1))


def check_request(kind, period_start, period_end, comune, user):
    if kind not in ReportKind.values:
        raise ValidationError({"kind": ERROR_KIND})
    if period_end < period_start:
        raise ValidationError({"period_end": ERROR_PERIOD_ORDER})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": ERROR_PERIOD_FUTURE})
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"period_start": ERROR_PERIOD_TOO_LONG})
    if user is None:
        return
    if comune is None and visible_comune_ids(user) is not None:
        raise ValidationError({"comune": ERROR_PROGRAMME_NOT_ALLOWED})
    if comune is not None and not can_see_comune(user, comune.pk):
        raise ValidationError({"comune": ERROR_COMUNE_NOT_ALLOWED})


@transaction.atomic
def request_report(kind, *, period_start, period_end, comune=None, user=None, schedule_name=""):
    """Record a queued run and hand it to django-q2 once the transaction commits (so a worker
    never looks for a run that does not exist yet)."""
    check_request(kind, period_start, period_end, comune, user)
    run = ReportRun(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        comune=comune,
        requested_by=user if user is not None and user.is_authenticated else None,
        schedule_name=schedule_name,
    )
    run.full_clean()
    run.save()
    # robust: a failure to enqueue (or, in sync mode, a failed build, already recorded on the
    # run) must not turn the committed request into an error page.
    transaction.on_commit(lambda: enqueue(run.pk), robust=True)
    return run


def enqueue(run_id):
    from django_q.tasks import async_task

    task_id = async_task(
        BUILD_TASK, run_id, task_name=f"report-{run_id}", group="report", q_options={}
    )
    # Sync mode has already run the task; a real queue gets the id for the monitor.
    ReportRun.objects.filter(pk=run_id).update(task_id=(task_id or "")[:32])


def _claim(run_id):
    """Mark the run as running, or return None when another delivery already finished it."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished:
            return None
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.progress = 5
        run.started_at = timezone.now()
        run.finished_at = None
        run.save(update_fields=["status", "attempts", "progress", "started_at", "finished_at"])
        return run


def _progress(run, value):
    ReportRun.objects.filter(pk=run.pk).update(progress=value)


# File names are read by people: Italian words, not the stored codes ("quarterly").
FILE_KIND_NAMES = {
    ReportKind.QUARTERLY: "trimestrale",
    ReportKind.SEMESTER: "semestrale-esiti",
    ReportKind.BUDGET: "verifica-budget",
    ReportKind.INVOICES: "verifica-fatture",
}


def _filename(run, extension):
    scope = run.comune.name if run.comune_id else "programma"
    slug = "".join(ch if ch.isalnum() else "-" for ch in scope.lower()).strip("-")
    kind = FILE_KIND_NAMES.get(run.kind, "report")
    return f"{kind}-{slug}-{run.period_start:%Y-%m-%d}-{run.period_end:%Y-%m-%d}.{extension}"


# The files of a run, in filing order (also the parts of its per-attempt directories).
FILE_PARTS = ("pdf", "xlsx")


def file_documents(run, *, pdf, xlsx):
    """Both files or neither: the Documents and the run's completion share one transaction, and
    files already stored are deleted if it rolls back."""
    Document = get_document_model()
    stored = []
    try:
        with transaction.atomic():
            collection = collection_for(run.comune)
            created = []
            for content, extension in zip((pdf, xlsx), FILE_PARTS, strict=True):
                document = Document(
                    title=f"{run} ({extension.upper()})",
                    collection=collection,
                    uploaded_by_user=run.requested_by,
                )
                # An unguessable directory: the readable name alone would let anyone who
                # reaches the media folder guess every report's path. One per attempt, so
                # that the next attempt finds what a killed worker left (remove_leftovers).
                document.file.save(
                    unguessable_name(
                        _filename(run, extension),
                        token=attempt_token(run.pk, run.attempts, extension),
                    ),
                    ContentFile(content),
                    save=False,
                )
                stored.append(document.file)
                document._set_document_file_metadata()
                document.save()
                created.append(document)
            run.document, run.spreadsheet = created
            run.status = RunStatus.DONE
            run.progress = 100
            run.error = ""
            run.finished_at = timezone.now()
            run.save(
                update_fields=[
                    "document",
                    "spreadsheet",
                    "status",
                    "progress",
                    "error",
                    "finished_at",
                ]
            )
    except Exception:
        for file in stored:
            file.storage.delete(file.name)
        raise
    return run


def remove_leftovers(run):
    """Delete the files that earlier attempts stored but never filed: a worker killed between
    writing a file and committing its Document (SIGKILL, out of memory, a lost machine) runs no
    ``except`` clause, and its files would stay in the media folder for good. Files a Document
    points to are kept whatever happened. Returns the names deleted."""
    Document = get_document_model()
    storage = Document._meta.get_field("file").storage
    deleted = []
    directories = [
        attempt_directory(run.pk, attempt, part)
        for attempt in range(1, run.attempts)
        for part in FILE_PARTS
    ]
    for directory in directories:
        try:
            _subdirs, files = storage.listdir(directory)
        except (FileNotFoundError, NotADirectoryError):
            continue
        names = {f"{directory}/{name}" for name in files}
        filed = set(Document.objects.filter(file__in=names).values_list("file", flat=True))
        for name in sorted(names - filed):
            storage.delete(name)
            deleted.append(name)
    if deleted:
        logger.warning("Report run %s: removed %d files of a killed attempt", run.pk, len(deleted))
    return deleted


def _fail(run, error):
    final = run.attempts >= max_attempts()
    message = str(error)[:2000] or error.__class__.__name__
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED if final else RunStatus.QUEUED,
        progress=0,
        error=message
        if final
        else str(ERROR_RETRYING % {"attempt": run.attempts, "error": message}),
        finished_at=timezone.now() if final else None,
    )


def run_report(run_id):
    """Build and file one run. Raises on failure so django-q2 records it and, until the last
    attempt, delivers the task again."""
    from .builders import build_report
    from .builders.pdf import render_pdf
    from .builders.xlsx import render_xlsx

    run = _claim(run_id)
    if run is None:
        return None
    try:
        remove_leftovers(run)
        report = build_report(
            run.kind, start=run.period_start, end=run.period_end, comune=run.comune
        )
        _progress(run, 40)
        pdf = render_pdf(report)
        _progress(run, 70)
        xlsx = render_xlsx(report)
        _progress(run, 90)
        file_documents(run, pdf=pdf, xlsx=xlsx)
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        _fail(run, error)
        raise
    return run.pk


def close_stale_runs(now=None):
    """Fail runs left "running" by a worker that was killed (timeout, crash) after its last
    attempt: nothing else would ever finish them."""
    conf = _q_cluster()
    timeout = int(conf.get("timeout") or 600)
    retry = int(conf.get("retry") or timeout + 60)
    limit = (now or timezone.now()) - timedelta(seconds=max(timeout, retry) * max_attempts())
    return ReportRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=limit).update(
        status=RunStatus.FAILED, error=str(ERROR_STALE), finished_at=timezone.now()
    )
