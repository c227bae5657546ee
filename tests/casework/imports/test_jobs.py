"""Imports as jobs (``casework.imports.jobs``): upload and Conferma only queue a task and answer at
once, whatever the size; the preview is stored and paginated; progress is on the run; one
running import per kind and Comuni; all or nothing, idempotent, scoped; a database failure
keeps the file for Riprova.

The queue is real here (ORM broker, no sync mode): the tests play the worker by calling the
task functions, as ``tests/e2e/test_report_progress.py`` does."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from casework.imports import jobs
from casework.imports.messages import (
    MSG_COMUNE_OUT_OF_SCOPE,
    MSG_IMPORT_RUNNING,
    MSG_WRITE_FAILED,
)
from casework.models import Beneficiary, ImportRun, Referral
from documents import tasks
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;target"


def csv_bytes(count, *, start=0, comune="Lumezzane"):
    lines = [HEADER]
    for n in range(start, start + count):
        lines.append(f"P-{n};{comune};01/09/2016;{f.make_tax_code(n)};Rossi;Anna;giovane")
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload_file(data, name="segnalazioni.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def real_queue(settings, monkeypatch):
    """async_task only queues (django-q2 reads its sync flag once, at import)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}


def queued():
    from django_q.models import OrmQ

    return [task.func() for task in OrmQ.objects.order_by("pk")]


def post_upload(client, data, kind="referrals"):
    return client.post(reverse("casework_imports:upload", args=[kind]), {"file": upload_file(data)})


def page(client, run, **query):
    return client.get(reverse("casework_imports:run", args=[run.kind, run.pk]), query)


def confirm_url(run):
    return reverse("casework_imports:confirm", args=[run.kind, run.pk])


def test_a_50000_row_file_is_uploaded_and_confirmed_in_under_two_seconds(
    client, social_worker_a, comune_a, real_queue, settings, django_assert_max_num_queries
):
    settings.IMPORT_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    data = csv_bytes(50_000)
    assert len(data) > 3_000_000
    client.force_login(social_worker_a)

    started = time.perf_counter()
    response = post_upload(client, data)
    assert time.perf_counter() - started < 2

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == page_url(run)
    assert run.status == ImportRun.Status.CHECKING
    assert queued() == ["documents.tasks.check_import"]
    running = page(client, run).content.decode()
    assert "Righe lette: 0 su 50000" in running and "<progress" in running
    assert client.get(status_url(run)).json()["finished"] is False

    assert tasks.check_import(run.pk) == ImportRun.Status.PREVIEW  # the worker
    run.refresh_from_db()
    assert (run.rows_total, run.rows_read, run.created) == (50_000, 50_000, 50_000)
    assert not Referral.objects.exists()
    with django_assert_max_num_queries(20):
        response = page(client, run, pagina=3)
    rows = list(response.context["rows_page"])
    assert [row.line for row in rows] == list(range(102, 152))  # 50 rows a page
    assert "Pagina 3 di 1000" in response.content.decode()

    started = time.perf_counter()
    response = client.post(confirm_url(run))
    assert time.perf_counter() - started < 2
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.WRITING
    assert queued()[-1] == "documents.tasks.write_import"
    assert not Referral.objects.exists()


def page_url(run):
    return reverse("casework_imports:run", args=[run.kind, run.pk])


def status_url(run):
    return reverse("casework_imports:status", args=[run.kind, run.pk])


def test_progress_is_on_the_run_and_the_page_then_shows_the_paginated_preview(
    client, social_worker_a, comune_a, real_queue
):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(120) + b"P-X;Sarezzo;01/09/2016;XXX;Rossi;Anna;giovane\n")
    run = ImportRun.objects.get()
    assert client.get(status_url(run)).json() == {
        "status": "checking",
        "status_label": "Controllo in corso",
        "rows_read": 0,
        "rows_total": 121,
        "percent": 0,
        "finished": False,
    }

    tasks.check_import(run.pk)

    status = client.get(status_url(run)).json()
    assert (status["finished"], status["rows_read"], status["rows_total"]) == (True, 121, 121)
    content = page(client, run).content.decode()
    assert "Pagina 1 di 3" in content
    assert "Conferma l&#x27;importazione" not in content  # a row has errors
    assert "riga 122, colonna comune: " in content
    assert str(MSG_COMUNE_OUT_OF_SCOPE % {"comune": "Sarezzo"}) in content
    errors = page(client, run).context["errors_page"]
    assert [row.line for row in errors] == [122]
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and not run.upload


def test_confirm_twice_queues_one_write_and_a_repeated_task_writes_once(
    client, social_worker_a, comune_a, real_queue
):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(3))
    run = ImportRun.objects.get()
    tasks.check_import(run.pk)

    client.post(confirm_url(run))
    client.post(confirm_url(run))

    assert queued().count("documents.tasks.write_import") == 1
    assert tasks.write_import(run.pk) == ImportRun.Status.COMPLETED
    assert tasks.write_import(run.pk) == ImportRun.Status.COMPLETED  # delivered again
    assert tasks.check_import(run.pk) == ImportRun.Status.COMPLETED
    assert Referral.objects.count() == 3 and Beneficiary.objects.count() == 3
    run.refresh_from_db()
    assert (run.status, run.created, run.upload.name) == (ImportRun.Status.COMPLETED, 3, "")
    assert not run.rows.exists()
    content = page(client, run).content.decode()
    assert "Righe create: 3, aggiornate: 0, invariate: 0" in content
    client.post(confirm_url(run))
    assert Referral.objects.count() == 3


def test_a_second_import_for_the_same_comune_is_refused_while_one_runs(
    client, social_worker_a, comune_a, comune_b, real_queue
):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(2))

    response = post_upload(client, csv_bytes(2, start=10))

    assert response.status_code == 200
    assert str(MSG_IMPORT_RUNNING) in response.content.decode().replace("&#x27;", "'")
    assert ImportRun.objects.count() == 1
    # Another Comune's social worker, and another kind, are not held up.
    other = f.social_worker(comune_b, username="sociale.b")
    client.force_login(other)
    assert post_upload(client, csv_bytes(2, start=20, comune="Sarezzo")).status_code == 302
    assert ImportRun.objects.count() == 2


def test_the_database_itself_refuses_two_running_imports_of_a_scope(social_worker_a):
    ImportRun.objects.create(kind="referrals", scope="017089", status="checking", file_name="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.create(kind="referrals", scope="017089", status="writing", file_name="b")
    ImportRun.objects.create(kind="budgets", scope="017089", status="checking", file_name="c")
    ImportRun.objects.create(kind="referrals", scope="017089", status="preview", file_name="d")


def test_a_run_belongs_to_its_uploader(client, social_worker_a, comune_a, real_queue):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(2))
    run = ImportRun.objects.get()
    tasks.check_import(run.pk)
    colleague = f.social_worker(comune_a, username="collega")
    client.force_login(colleague)

    assert page(client, run).status_code == 404
    assert client.get(status_url(run)).status_code == 404
    assert client.post(confirm_url(run)).status_code == 404
    with pytest.raises(ValidationError):
        jobs.confirm_import(run, user=colleague)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW


def failing_referral_insert():
    """A real database error on every insert of a referral: a trigger, no mock. Returns the
    function that drops it."""
    table = Referral._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION zo_jobs_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'errore di prova'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER zo_jobs_fail BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION zo_jobs_fail()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER zo_jobs_fail BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'errore di prova'); END"
            )

    def drop():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER zo_jobs_fail ON {table}")
                cursor.execute("DROP FUNCTION zo_jobs_fail()")
            else:
                cursor.execute("DROP TRIGGER zo_jobs_fail")

    return drop


def test_a_database_failure_during_the_write_writes_nothing_and_keeps_the_file_for_riprova(
    client, social_worker_a, comune_a, real_queue
):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(1500))  # two chunks: the first is written, then rolled back
    run = ImportRun.objects.get()
    tasks.check_import(run.pk)
    client.post(confirm_url(run))
    drop_trigger = failing_referral_insert()

    assert tasks.write_import(run.pk) == ImportRun.Status.FAILED

    assert not Beneficiary.objects.exists() and not Referral.objects.exists()
    run.refresh_from_db()
    assert (run.status, run.message) == (ImportRun.Status.FAILED, str(MSG_WRITE_FAILED))
    assert run.upload and default_storage.exists(run.upload.name)
    content = page(client, run).content.decode().replace("&#x27;", "'")
    assert str(MSG_WRITE_FAILED) in content and "Riprova" in content

    drop_trigger()
    client.post(confirm_url(run), {"retry": "1"})

    run.refresh_from_db()
    assert run.status == ImportRun.Status.WRITING  # the check had passed: the write again
    assert queued().count("documents.tasks.write_import") == 2
    assert tasks.write_import(run.pk) == ImportRun.Status.COMPLETED
    assert Referral.objects.count() == 1500


def test_cancel_ends_the_run_and_deletes_the_file_and_rows(
    client, social_worker_a, comune_a, real_queue
):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(2))
    run = ImportRun.objects.get()
    tasks.check_import(run.pk)
    stored = run.upload.name

    client.post(confirm_url(run), {"cancel": "1"})

    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert not default_storage.exists(stored) and not run.rows.exists()
    assert tasks.write_import(run.pk) == ImportRun.Status.CANCELLED
    assert not Referral.objects.exists()


def test_stale_rows_are_purged_with_the_next_upload(client, social_worker_a, comune_a, real_queue):
    client.force_login(social_worker_a)
    post_upload(client, csv_bytes(2))
    run = ImportRun.objects.get()
    tasks.check_import(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(
        started_at=run.started_at - datetime.timedelta(days=2)
    )

    post_upload(client, csv_bytes(2, start=5))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED and not run.rows.exists()
