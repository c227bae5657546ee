"""A social worker imports referrals of their Comune: uploads a CSV, sees the progress, then the
paginated preview with a row's error explained in Italian; uploads the corrected file,
confirms, sees the result.

The queue is real (ORM broker, no sync mode); the test plays the worker by running the tasks."""

import os
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

SHOTS = Path(os.environ.get("ZO_E2E_SCREENSHOTS") or tempfile.gettempdir())
HEADER = "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;target"


def referral_csv(tmp_path, name, count, *, bad_line=None):
    from tests import factories as f

    lines = [HEADER]
    for n in range(count):
        comune = "Sarezzo" if n == bad_line else "Lumezzane"
        lines.append(f"E2E-{n};{comune};01/09/2016;{f.make_tax_code(n)};Rossi;Anna;giovane")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_social_worker_imports_referrals_as_a_job(
    italian_page, live_server, settings, monkeypatch, tmp_path
):
    from django_q.conf import Conf

    from casework.models import ImportRun, Referral
    from documents import tasks
    from tests import factories as f

    monkeypatch.setattr(Conf, "SYNC", False)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    worker = f.social_worker(
        f.comune("Lumezzane"), username="sociale.import", first_name="Anna", last_name="Verdi"
    )
    page = italian_page
    log_in(page, live_server.url, worker)

    page.goto(live_server.url + "/admin/casework/importazioni/referrals/carica/")
    page.set_input_files(
        "input[type=file]", str(referral_csv(tmp_path, "segn.csv", 60, bad_line=4))
    )
    page.get_by_role("button", name="Carica e mostra l'anteprima").click()
    page.wait_for_url("**/importazioni/referrals/*/")
    page.get_by_text("Righe lette: 0 su 60").wait_for()
    assert page.locator("progress").count() == 1
    page.screenshot(path=SHOTS / "jobs-import-progress.png", full_page=True)
    assert_clean_page(page)

    run = ImportRun.objects.get()
    tasks.check_import(run.pk)  # the worker; the page reloads by itself
    page.get_by_role("heading", name="Errori (1 riga)").wait_for(timeout=15000)
    assert "riga 6, colonna comune: non può importare righe del Comune di Sarezzo." in (
        page.locator("[data-import-errors]").inner_text()
    )
    assert page.get_by_role("button", name="Conferma l'importazione").count() == 0
    assert "Pagina 1 di 2" in page.locator("body").inner_text()
    page.screenshot(path=SHOTS / "jobs-import-errors.png", full_page=True)
    assert_clean_page(page)
    page.get_by_role("link", name="Successiva").click()
    page.get_by_text("Pagina 2 di 2").wait_for()
    assert page.locator("[data-import-rows] tbody tr").count() == 10

    page.get_by_role("link", name="Carica il file corretto").click()
    page.set_input_files("input[type=file]", str(referral_csv(tmp_path, "segn-ok.csv", 60)))
    page.get_by_role("button", name="Carica e mostra l'anteprima").click()
    page.wait_for_url("**/importazioni/referrals/*/")
    good = ImportRun.objects.latest("pk")
    tasks.check_import(good.pk)
    page.get_by_role("button", name="Conferma l'importazione").wait_for(timeout=15000)
    page.screenshot(path=SHOTS / "jobs-import-preview.png", full_page=True)
    assert_clean_page(page)
    page.get_by_role("button", name="Conferma l'importazione").click()
    page.get_by_text("Importazione in corso").first.wait_for()
    assert not Referral.objects.exists()

    tasks.write_import(good.pk)
    page.get_by_text("Righe create: 60, aggiornate: 0, invariate: 0").wait_for(timeout=15000)
    page.screenshot(path=SHOTS / "jobs-import-done.png", full_page=True)
    assert_clean_page(page)
    assert Referral.objects.filter(comune__name="Lumezzane").count() == 60
