"""The programme manager asks for a report with "Genera ora"; the run's page shows it queued and,
when a worker finishes it, reloads by itself and offers the PDF and the XLSX.

The queue is real (ORM broker, no sync mode); the test plays the worker by running the task."""

import datetime

import pytest

from tests.e2e.conftest import CHROMIUM

PASSWORD = "password-di-prova-e2e-123"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_genera_ora_then_the_page_follows_the_run(browser, live_server, settings, monkeypatch):
    from django_q.conf import Conf
    from django_q.models import OrmQ

    from documents import services
    from documents.models import ReportRun, RunStatus
    from tests import factories as f

    # django-q2 reads its settings once, at import: switch its own flag to a real queue.
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    manager = f.programme_manager(username="pal.e2e")
    manager.set_password(PASSWORD)
    manager.save()

    page = browser.new_page(locale="it-IT")
    page.goto(live_server.url + "/admin/login/")
    page.locator("input[name=username]").fill(manager.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/snippets/documents/reportrun/add/")
    page.select_option("select[name=kind]", "budget")
    # Typed the Italian way, as a person types them (the picker must keep them, not put today).
    for name, typed in (("period_start", "01/01/2017"), ("period_end", "31/03/2017")):
        field = page.locator(f"input[name={name}]")
        field.click()
        field.press("Control+a")
        field.press_sequentially(typed)
    page.locator("select[name=kind]").focus()
    page.get_by_role("button", name="Genera ora").click()
    page.wait_for_url("**/inspect/**")
    status = page.locator("[data-job-status-label]")
    assert status.inner_text().strip().lower() == "in coda"

    run = ReportRun.objects.get()
    assert run.status == RunStatus.QUEUED
    assert OrmQ.objects.count() == 1  # waiting for a qcluster worker
    assert run.period_start == datetime.date(2017, 1, 1)
    assert run.period_end == datetime.date(2017, 3, 31)

    services.run_report(run.pk)  # what the worker does with the queued task
    page.get_by_role("heading", name="Documenti").wait_for(timeout=15000)
    assert status.inner_text().strip().lower() == "completato"
    pdf_link = page.get_by_role("link", name="(PDF)")
    assert pdf_link.get_attribute("href").startswith("/documents/")
    page.close()
