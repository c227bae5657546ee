"""Fault drill: ``kill -9`` of the qcluster worker that is building a report.

Run by scripts/drill_worker_kill.sh on a database of its own (settings config.settings.drill).
Two scenarios, each on a fresh report run of the whole programme:

1. ``build``: the worker is killed while it computes the figures (no file written yet);
2. ``filing``: the worker is killed after the first file was written to the media folder and
   before its Document was committed.

Each must end with the run "done" after django-q2 delivered the task again (once the ORM
broker's ``retry`` lock expired), on its second attempt, with exactly its two Documents (PDF
and XLSX) filed, and no file in MEDIA_ROOT/documents that no Document points to.
Exits 1 when any check fails.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.drill")
os.environ.setdefault("LOAD_REFERRALS", "1000")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.documents import get_document_model  # noqa: E402

from documents import services  # noqa: E402
from documents.files import attempt_directory  # noqa: E402
from documents.models import ReportKind, ReportRun, RunStatus  # noqa: E402
from documents.periods import previous_quarter  # noqa: E402

WAIT_FOR_WORKER = 90


def log(message):
    print(f"[drill {timezone.localtime():%H:%M:%S}] {message}", flush=True)


def media_files():
    root = Path(settings.MEDIA_ROOT) / "documents"
    if not root.exists():
        return set()
    return {
        path.relative_to(settings.MEDIA_ROOT).as_posix()
        for path in root.rglob("*")
        if path.is_file()
    }


def filed_files():
    return set(get_document_model().objects.values_list("file", flat=True))


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def start_cluster(log_path):
    log(f"qcluster avviato (log: {log_path})")
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=open(log_path, "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_cluster(cluster):
    cluster.send_signal(signal.SIGTERM)
    try:
        cluster.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait()


def scenario(stage, cluster):
    """Arm ``stage``, request a run, kill the worker holding it, wait for the retry; returns
    the list of failed checks (empty when the drill holds)."""
    drill = Path(settings.DRILL_DIR)
    for name in (f"{stage}.pid", f"{stage}.taken"):
        (drill / name).unlink(missing_ok=True)
    (drill / f"{stage}.arm").touch()
    Document = get_document_model()
    before = set(Document.objects.values_list("pk", flat=True))
    start, end = previous_quarter(timezone.localdate())
    run = services.request_report(ReportKind.QUARTERLY, period_start=start, period_end=end)
    log(f"[{stage}] report richiesto: run {run.pk}")

    pid_file = drill / f"{stage}.pid"
    deadline = time.monotonic() + WAIT_FOR_WORKER
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not pid_file.exists():
        return [f"[{stage}] nessun worker ha preso il report entro {WAIT_FOR_WORKER} s"]
    time.sleep(0.2)
    pid = int(pid_file.read_text())
    command = cmdline(pid)
    failures = []
    if "qcluster" not in command or pid == cluster.pid:
        failures.append(f"[{stage}] il pid {pid} non è un worker di qcluster: {command!r}")
        return failures
    run.refresh_from_db()
    log(f"[{stage}] worker {pid} ({command.strip()}) al lavoro, stato {run.status}: kill -9")
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    time.sleep(0.5)
    if stage == "filing":
        first = tuple(attempt_directory(run.pk, 1, part) for part in services.FILE_PARTS)
        left = {name for name in media_files() if name.startswith(first)}
        log(f"[{stage}] file lasciati dal worker ucciso: {sorted(left) or 'nessuno'}")
        if not left:
            failures.append(f"[{stage}] il worker è morto prima di scrivere il primo file")

    conf = settings.Q_CLUSTER
    limit = conf["retry"] + conf["timeout"] + 60
    while time.monotonic() - killed < limit:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(1)
    log(
        f"[{stage}] run {run.pk}: {run.status} dopo {time.monotonic() - killed:.0f} s, "
        f"tentativi {run.attempts}"
    )
    new = set(Document.objects.exclude(pk__in=before).values_list("pk", flat=True))
    if run.status != RunStatus.DONE:
        failures.append(f"[{stage}] la run è {run.status}, non done: {run.error}")
    if run.attempts != 2:
        failures.append(f"[{stage}] tentativi {run.attempts}, attesi 2")
    if new != {run.document_id, run.spreadsheet_id} or len(new) != 2:
        failures.append(f"[{stage}] documenti nuovi {sorted(new)}, attesi i due della run")
    orphans = media_files() - filed_files()
    if orphans:
        failures.append(f"[{stage}] file orfani nella cartella media: {sorted(orphans)}")
    missing = filed_files() - media_files()
    if missing:
        failures.append(f"[{stage}] documenti senza file: {sorted(missing)}")
    return failures


def main():
    if settings.SETTINGS_MODULE != "config.settings.drill":
        sys.exit("drill_worker_kill runs only with DJANGO_SETTINGS_MODULE=config.settings.drill")
    log(f"database {settings.DATABASES['default']['NAME']}, media {settings.MEDIA_ROOT}")
    call_command("migrate", verbosity=0)
    from loadtest import seed
    from network.models import Comune

    if not ReportRun.objects.exists():
        seed.people_and_referrals(list(Comune.objects.order_by("pk")))
        seed.pathways()
    log_dir = Path(settings.VAR_DIR) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    cluster = start_cluster(log_dir / "qcluster-drill.log")
    failures = []
    try:
        for stage in ("build", "filing"):
            failures += scenario(stage, cluster)
    finally:
        stop_cluster(cluster)
    for failure in failures:
        log(f"FALLITO {failure}")
    log("DRILL " + ("FALLITO" if failures else "SUPERATO"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
