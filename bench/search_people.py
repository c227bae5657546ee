"""Benchmark: the admin search ("Cerca") at 100,000 referrals of 100,000 people.

Seeds the people and referrals with ``bulk_create``, then for several queries ("Cognome Nome",
"Nome Cognome", a partial surname, a name without its accent, a tax code, a protocol) prints
milliseconds (median of several runs) and SQL queries of the whole search page, for the
programme manager and for a social worker; on PostgreSQL it prints the EXPLAIN ANALYZE of the
search's queries on people and referrals and fails if any of them reads a table with a
sequential scan ("Seq Scan").

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/search_people.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_search \\
        DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/search_people.py

It creates (and afterwards destroys) a test database: ``test_<name>`` on PostgreSQL, in memory on
SQLite. ``BENCH_ROWS`` changes the number of referrals.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
BATCH = 5000
FIRST_NAMES = ["Chiara", "Marco", "Nicolò", "Giulia", "Luca", "Francesca", "Andrea", "Sofia"]


def populate(rows):
    from casework.models import Beneficiary, Referral
    from network.models import Comune
    from tests.factories import make_tax_code

    comuni = list(Comune.objects.order_by("pk"))
    start = datetime.date(2016, 7, 1)
    for offset in range(0, rows, BATCH):
        size = min(BATCH, rows - offset)
        people = Beneficiary.objects.bulk_create(
            Beneficiary(
                tax_code=make_tax_code(n),
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                last_name=f"Cognome{n:06d}" if n % 1000 else f"Rinaldì{n:06d}",
                birth_date=datetime.date(1980, 1, 1),
                sex="M",
                residence_comune=comuni[n % len(comuni)],
                target_group="giovane",
            )
            for n in range(offset, offset + size)
        )
        Referral.objects.bulk_create(
            Referral(
                comune=person.residence_comune,
                protocol=f"{2016 + n % 3}/{n:06d}",
                beneficiary=person,
                referred_on=start + datetime.timedelta(days=n % 700),
                intake_due_on=start + datetime.timedelta(days=n % 700 + 15),
                status="received",
                proposed_pathway_type="tirocinio",
            )
            for n, person in zip(range(offset, offset + size), people, strict=True)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(view, user, query):
    request = RequestFactory().get("/admin/cerca/", {"q": query})
    request.user = user
    request.session = {}
    response = view(request)
    response.render()
    assert response.status_code == 200, response.status_code
    return response


def measure(view, user, query):
    timings = []
    queries = 0
    for repeat in range(REPEAT + 1):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            run(view, user, query)
            elapsed = time.perf_counter() - started
        if repeat:  # the first run warms caches
            timings.append(elapsed * 1000)
            queries = len(context.captured_queries)
    return statistics.median(timings), queries


def explain(view, user, query):
    """EXPLAIN ANALYZE of the SQL the search really ran on people and referrals; the lines where
    one of those two tables is read by a sequential scan (the 18 Comuni may be)."""
    with CaptureQueriesContext(connection) as context:
        run(view, user, query)
    scanned = []
    for captured in context.captured_queries:
        sql = captured["sql"]
        if "LIKE" not in sql or "casework_auditevent" in sql:
            continue
        if '"casework_beneficiary"' not in sql and '"casework_referral"' not in sql:
            continue
        print(f"\n--- q={query!r}: {sql[:150]}...")
        with connection.cursor() as cursor:
            # The SQL is the one Django just ran, with its parameters already bound.
            cursor.execute("EXPLAIN ANALYZE " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        print("\n".join(plan))
        scanned += [
            line.strip()
            for line in plan
            if "Seq Scan on casework_beneficiary" in line or "Seq Scan on casework_referral" in line
        ]
    return scanned


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from casework.models import Beneficiary, Referral
        from casework.search.views import SearchView
        from tests.factories import comune as comune_named
        from tests.factories import programme_manager, social_worker

        started = time.perf_counter()
        populate(ROWS)
        print(
            f"{connection.vendor}: {Referral.objects.count():,} referrals of "
            f"{Beneficiary.objects.count():,} people created in "
            f"{time.perf_counter() - started:.1f}s; median of {REPEAT} runs per line"
        )
        manager = programme_manager(username="bench.pal")
        worker = social_worker(comune_named("Lumezzane"), username="bench.sociale")
        view = SearchView.as_view()
        sample = Referral.objects.select_related("beneficiary").order_by("pk")[ROWS // 2 + 7]
        person = sample.beneficiary
        cases = [
            ("Cognome Nome", f"{person.last_name} {person.first_name}"),
            ("nome cognome", f"{person.first_name} {person.last_name}".lower()),
            ("partial surname", person.last_name[:11]),
            ("accent ignored", "rinaldi nicolo"),
            ("tax code", person.tax_code),
            ("protocol", sample.protocol),
            ("no result", "Zzyzx"),
        ]
        print(f"\n{'case':<18} {'query':<28} {'PAL ms':>8} {'q':>3} {'AS ms':>8} {'q':>3}")
        for label, query in cases:
            manager_ms, manager_q = measure(view, manager, query)
            worker_ms, worker_q = measure(view, worker, query)
            print(
                f"{label:<18} {query:<28} {manager_ms:8.1f} {manager_q:3d} "
                f"{worker_ms:8.1f} {worker_q:3d}"
            )
        if connection.vendor != "postgresql":
            print("\n(SQLite: no trigram index; the query plans are shown on PostgreSQL)")
            return
        scanned = []
        for _label, query in cases[:6]:
            scanned += explain(view, manager, query)
        if scanned:
            print("\nSEQUENTIAL SCANS:\n" + "\n".join(scanned))
            raise SystemExit(1)
        print("\nno sequential scan on people or referrals: OK")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
