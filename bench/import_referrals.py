"""Benchmark: importing referrals of new people, our path vs a plain csv + bulk_create baseline.

Generates N valid referral rows (new people, the 18 Comuni in turn), then in the same run:

* ours: ``casework.imports.services.import_file("referrals", ...)``, the code path of
  ``manage.py import_referrals`` (sniffing, header matching, parsing, tax-code checks, scope,
  existence queries, bulk writes, audit events, the ImportRun record);
* baseline: ``csv.reader`` + ``bulk_create`` of the same people and referrals into the same
  tables, with no checks at all, in batches of the same size.

Prints seconds, the ratio (target at most 1.5), SQL queries per 1,000 rows, and tracemalloc's
peak of ours at 1/5, 1/2 and all of the rows (10k / 25k / 50k by default: memory must stay flat
as the file grows) and of the baseline. Each run starts from empty tables and the bench deletes
its rows at the end (the audit trail is append-only: its rows stay). SQL debug logging is off,
as in production (with ``DEBUG`` on Django formats every query it runs).

    DJANGO_SETTINGS_MODULE=config.settings.dev VAR_DIR=/tmp/zo-bench \\
        .venv/bin/python bench/import_referrals.py [--rows 50000]
    # PostgreSQL: add DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_bench
"""

import argparse
import csv
import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: no SQL debug cursor

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402

from casework.audit.models import AuditEvent  # noqa: E402
from casework.imports.base import BATCH_SIZE  # noqa: E402
from casework.imports.services import import_file  # noqa: E402
from casework.models import Beneficiary, ImportRun, Referral  # noqa: E402
from network.codice_fiscale import MONTHS, build_check  # noqa: E402
from network.models import Comune  # noqa: E402

HEADER = [
    "protocollo",
    "comune",
    "data_segnalazione",
    "codice_fiscale",
    "cognome",
    "nome",
    "data_nascita",
    "sesso",
    "telefono",
    "email",
    "condizione",
    "target",
    "percorso_proposto",
    "assistente_sociale",
    "note",
]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TARGETS = ("svantaggiato", "difficolta", "giovane")
PATHWAYS = ("assistenziale", "tirocinio", "inserimento", "personalizzato")


def tax_code(n, birth, sex):
    part = "".join(LETTERS[(n // 26**i) % 26] for i in range(6))
    day = birth.day + (40 if sex == "F" else 0)
    return build_check(f"{part}{birth.year % 100:02d}{MONTHS[birth.month - 1]}{day:02d}E738")


def write_file(path, rows, comuni):
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for n in range(rows):
            birth = datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
            sex = "MF"[n % 2]
            comune = comuni[n % len(comuni)]
            referred = datetime.date(2016, 7, 1) + datetime.timedelta(days=n % 300)
            writer.writerow(
                [
                    f"BENCH-{n:06d}",
                    comune,
                    referred.strftime("%d/%m/%Y"),
                    tax_code(n, birth, sex),
                    f"Cognome{n}",
                    f"Nome{n}",
                    birth.strftime("%d/%m/%Y"),
                    sex,
                    f"030 {n:07d}",
                    f"persona{n}@example.it",
                    "disoccupato",
                    TARGETS[n % 3],
                    PATHWAYS[n % 4],
                    "Assistente Sociale",
                    "Segnalazione di prova",
                ]
            )


@contextmanager
def measured(label, results, *, memory=False):
    """Seconds and queries; with ``memory``, tracemalloc's peak instead (tracing slows Python
    down several times, so time and memory are measured in separate runs)."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        yield
    seconds = time.perf_counter() - started
    entry = results.setdefault(label, {})
    if memory:
        entry["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    else:
        entry["seconds"] = seconds
        entry["queries"] = queries


def clean():
    """Delete the bench's rows with one DELETE each: the ORM's cascade collector would take
    longer than the imports themselves."""
    alias = connection.alias
    with transaction.atomic():
        Referral.objects.filter(protocol__startswith="BENCH-")._raw_delete(alias)
        Beneficiary.objects.filter(last_name__startswith="Cognome")._raw_delete(alias)
        try:
            with transaction.atomic():
                AuditEvent.objects.filter(detail__startswith="import")._raw_delete(alias)
        except (DatabaseError, PermissionError):
            pass  # the audit trail is append-only (a trigger on PostgreSQL): its rows stay
        ImportRun.objects.filter(source="bench")._raw_delete(alias)
    if connection.vendor == "sqlite":
        # Start every run from a checkpointed WAL, or the next run pays for the deletes.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def ours(path):
    with open(path, "rb") as fileobj:
        result = import_file("referrals", fileobj, filename=path.name, source="bench")
    assert result.ok and result.created > 0, result.summary()
    return result


def baseline(path):
    comuni = {c.name: c.pk for c in Comune.objects.all()}

    def day(text):
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()

    with open(path, encoding="utf-8-sig", newline="") as infile, transaction.atomic():
        reader = csv.reader(infile, delimiter=";")
        next(reader)
        batch = []

        def flush(batch):
            people = [
                Beneficiary(
                    tax_code=r[3],
                    last_name=r[4],
                    first_name=r[5],
                    birth_date=day(r[6]),
                    sex=r[7],
                    residence_comune_id=comuni[r[1]],
                    phone=r[8],
                    email=r[9],
                    employment_condition=r[10],
                    target_group=r[11],
                )
                for r in batch
            ]
            Beneficiary.objects.bulk_create(people)
            Referral.objects.bulk_create(
                Referral(
                    protocol=r[0],
                    comune_id=comuni[r[1]],
                    beneficiary=person,
                    referred_on=day(r[2]),
                    intake_due_on=day(r[2]) + datetime.timedelta(days=15),
                    proposed_pathway_type=r[12],
                    social_worker_name=r[13],
                    reason=r[14],
                )
                for r, person in zip(batch, people, strict=True)
            )

        for row in reader:
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                flush(batch)
                batch = []
        if batch:
            flush(batch)


def mb(entry):
    return f"{entry['peak_mb']:.1f} MB" if "peak_mb" in entry else "not measured"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the traced runs")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (best counts)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    comuni = list(Comune.objects.order_by("name").values_list("name", flat=True))
    results = {}
    sizes = sorted({max(args.rows // 5, 1), max(args.rows // 2, 1), args.rows})
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for size in sizes:
            files[size] = Path(tmp) / f"referrals-{size}.csv"
            write_file(files[size], size, comuni)
        big = files[args.rows]
        runs = [("baseline", baseline, big), ("ours", ours, big)]
        # A warm-up; then the timed runs, alternated and repeated (the best of each counts, which
        # is robust to other load on the machine); then one traced run each for memory.
        clean()
        ours(files[sizes[0]])
        timed = {}
        for _repeat in range(args.repeat):
            for label, function, path in runs:
                clean()
                with measured(label, results):
                    function(path)
                timed.setdefault(label, []).append(results[label]["seconds"])
        for label, seconds in timed.items():
            results[label]["seconds"] = min(seconds)
            results[label]["all"] = seconds
        if not args.no_memory:
            traced = [("baseline", baseline, big)] + [
                (f"ours_{size}", ours, files[size]) for size in sizes
            ]
            for label, function, path in traced:
                clean()
                with measured(label, results, memory=True):
                    function(path)
        clean()
    vendor = connection.vendor
    base, mine = results["baseline"], results["ours"]
    print(
        f"database: {vendor}, rows: {args.rows}, batch size: {BATCH_SIZE}, "
        f"best of {args.repeat} timed runs"
    )
    print(
        f"baseline csv + bulk_create: {base['seconds']:.2f} s, {base['queries']} queries "
        f"({base['queries'] / args.rows * 1000:.1f} per 1000 rows), peak {mb(base)}"
    )
    print(
        f"ours (import_referrals path): {mine['seconds']:.2f} s, {mine['queries']} queries "
        f"({mine['queries'] / args.rows * 1000:.1f} per 1000 rows)"
    )
    print(f"ratio ours / baseline: {mine['seconds'] / base['seconds']:.2f} (target <= 1.5)")
    if not args.no_memory:
        print(
            "ours, tracemalloc peak by file size: "
            + ", ".join(f"{size} rows {mb(results[f'ours_{size}'])}" for size in sizes)
        )
    print(
        "all timed runs (s): "
        + "; ".join(
            f"{label} " + ", ".join(f"{s:.2f}" for s in results[label]["all"])
            for label in ("baseline", "ours")
        )
    )


if __name__ == "__main__":
    main()
