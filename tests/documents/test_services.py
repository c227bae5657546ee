"""Requesting and running reports: validation, retries, failures that file nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from wagtail.documents import get_document_model

from documents import services
from documents.models import ReportRun, RunStatus

from .conftest import Q1

pytestmark = pytest.mark.django_db
Document = get_document_model()


def queued_run(**fields):
    return ReportRun.objects.create(
        kind=fields.pop("kind", "quarterly"), period_start=Q1[0], period_end=Q1[1], **fields
    )


def test_request_report_queues_after_commit_and_runs(
    report_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.request_report("budget", period_start=Q1[0], period_end=Q1[1])
    # Nothing reaches the queue before the transaction commits.
    assert run.status == RunStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.progress == 100
    assert run.attempts == 1
    assert run.started_at <= run.finished_at
    assert run.task_id


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (Q1[1], Q1[0], services.ERROR_PERIOD_ORDER),
        (datetime.date(2017, 1, 1), datetime.date(2099, 1, 1), services.ERROR_PERIOD_FUTURE),
        (datetime.date(2010, 1, 1), datetime.date(2017, 1, 1), services.ERROR_PERIOD_TOO_LONG),
    ],
)
def test_request_report_rejects_bad_periods(start, end, message):
    with pytest.raises(ValidationError) as error:
        services.request_report("quarterly", period_start=start, period_end=end)
    assert str(message) in error.value.messages
    assert not ReportRun.objects.exists()


def test_social_worker_may_not_request_another_comune_or_the_programme(social_worker_a, comune_b):
    with pytest.raises(ValidationError) as error:
        services.request_report(
            "quarterly", period_start=Q1[0], period_end=Q1[1], comune=comune_b, user=social_worker_a
        )
    assert str(services.ERROR_COMUNE_NOT_ALLOWED) in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.request_report(
            "quarterly", period_start=Q1[0], period_end=Q1[1], user=social_worker_a
        )
    assert str(services.ERROR_PROGRAMME_NOT_ALLOWED) in error.value.messages


def test_failing_build_files_nothing_and_marks_the_run_failed(
    report_data, monkeypatch, settings, django_capture_on_commit_callbacks
):
    stored = []

    def broken_filename(run, extension):
        # Fails while filing the XLSX, after the PDF file has been written to storage.
        if extension == "xlsx":
            raise OSError("disco pieno")
        name = f"rotto-{run.pk}.{extension}"
        stored.append(name)
        return name

    monkeypatch.setattr(services, "_filename", broken_filename)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_report("quarterly", period_start=Q1[0], period_end=Q1[1])
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error == "disco pieno"
    assert run.document is None and run.spreadsheet is None
    assert not Document.objects.exists()
    assert stored == [f"rotto-{run.pk}.pdf"]
    from django.core.files.storage import default_storage

    assert not default_storage.exists(f"documents/{stored[0]}")


@override_settings(Q_CLUSTER={"timeout": 600, "retry": 900, "max_attempts": 2})
def test_a_failure_is_retried_then_marked_failed(report_data, monkeypatch):
    def broken(report):
        raise ValueError("grafico non disegnabile")

    monkeypatch.setattr("documents.builders.pdf.render_pdf", broken)
    run = queued_run()
    with pytest.raises(ValueError):
        services.run_report(run.pk)  # first delivery
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert run.error.startswith("Tentativo 1 non riuscito")
    with pytest.raises(ValueError):
        services.run_report(run.pk)  # django-q2 delivers it again after ``retry`` seconds
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (
        RunStatus.FAILED,
        2,
        "grafico non disegnabile",
    )
    assert not Document.objects.exists()


def test_a_second_delivery_of_a_finished_run_builds_nothing(report_data):
    run = queued_run(kind="budget")
    services.run_report(run.pk)
    assert Document.objects.count() == 2
    assert services.run_report(run.pk) is None
    run.refresh_from_db()
    assert (run.status, run.attempts, Document.objects.count()) == (RunStatus.DONE, 1, 2)


def test_queue_settings_keep_a_slow_report_from_running_twice(settings):
    conf = settings.Q_CLUSTER
    assert conf["orm"] == "default"
    assert conf["timeout"] < conf["retry"]
    assert conf["max_attempts"] >= 2
    assert conf["catch_up"] is False


def test_stale_running_runs_are_closed(report_data):
    from django.utils import timezone

    stuck = queued_run(
        status=RunStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(days=1)
    )
    fresh = queued_run(status=RunStatus.RUNNING, started_at=timezone.now())
    assert services.close_stale_runs() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert stuck.error == str(services.ERROR_STALE)
    assert fresh.status == RunStatus.RUNNING


def test_documents_have_size_hash_and_titles(report_data):
    run = queued_run(kind="invoices", comune=report_data.a)
    services.run_report(run.pk)
    run.refresh_from_db()
    assert run.document.file_size > 1000
    assert run.document.file_hash
    # Storage adds a suffix when the name exists: a regenerated report never overwrites one.
    assert run.document.filename.startswith("verifica-fatture-lumezzane-2017-01-01-2017-03-31")
    assert run.document.filename.endswith(".pdf")
    assert run.spreadsheet.filename.endswith(".xlsx")
    assert run.document.title.endswith("(PDF)")
    assert Decimal(run.progress) == 100


def test_report_file_names_are_italian(db):
    import datetime as dt

    from tests import factories as f

    run = ReportRun(
        kind="quarterly",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        comune=f.comune("Lumezzane"),
    )
    assert services._filename(run, "pdf") == "trimestrale-lumezzane-2026-10-01-2026-12-31.pdf"
