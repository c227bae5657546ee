"""The Python half of scripts/drill_import_pg_restart.sh (run by it, against the private
cluster): queue an import, start its write, restart PostgreSQL while it writes, check."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django_q.conf import Conf  # noqa: E402

from casework.imports import jobs  # noqa: E402
from casework.imports.messages import MSG_WRITE_FAILED  # noqa: E402
from casework.models import Beneficiary, ImportRun, Referral  # noqa: E402
from tests import factories as f  # noqa: E402

Conf.SYNC = False  # the tasks only queue; this script plays the worker


def restart_postgres():
    command = [
        f"{os.environ['PGBIN']}/pg_ctl",
        "-D",
        os.environ["PGDATA_DIR"],
        "-m",
        "fast",
        "-w",
        "-l",
        os.environ["PGLOG"],
        "-o",
        f"-p {os.environ['PORT']} -k {os.environ['SOCKDIR']} -c listen_addresses=127.0.0.1",
        "restart",
    ]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # No pipes: the restarted server would keep them open and the run would never return.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 (our own pg_ctl)


def main(rows):
    comune = f.comune("Lumezzane")
    user = f.social_worker(comune, username="sociale.drill")
    lines = ["protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;target"]
    for n in range(rows):
        lines.append(f"D-{n};Lumezzane;01/09/2016;{f.make_tax_code(n)};Rossi;Anna;giovane")
    data = ("\n".join(lines) + "\n").encode()
    run = jobs.start_import("referrals", upload=SimpleUploadedFile("drill.csv", data), user=user)
    assert jobs.check_import_run(run.pk) == ImportRun.Status.PREVIEW, run.pk
    run.refresh_from_db()
    jobs.confirm_import(run, user=user)

    def restart_when_writing():
        # Wait until the write has read some rows (the progress goes through its own
        # connection), then restart.
        while ImportRun.objects.get(pk=run.pk).rows_read < 1000:
            time.sleep(0.05)
        print("drill: rows being written, restarting PostgreSQL")
        restart_postgres()
        connection.close()

    restarter = threading.Thread(target=restart_when_writing)
    restarter.start()
    status = jobs.write_import_run(run.pk)
    restarter.join()
    run.refresh_from_db()
    written = (Beneficiary.objects.count(), Referral.objects.count())
    print(f"drill: task status {status}, run {run.status}, written people/referrals {written}")
    assert status == ImportRun.Status.FAILED and run.status == ImportRun.Status.FAILED
    assert run.message == str(MSG_WRITE_FAILED), run.message
    assert written == (0, 0), written
    assert run.upload and run.upload.storage.exists(run.upload.name)
    print("drill: nothing written, run failed with the Italian message, file kept")
    jobs.retry_import(run, user=user)
    assert jobs.write_import_run(run.pk) == ImportRun.Status.COMPLETED
    assert Referral.objects.count() == rows
    print(f"drill: «Riprova» imported all {rows} rows once")
    print("drill passed")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
