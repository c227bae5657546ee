"""Benchmark: the referral list of the "Casi" admin against Wagtail's plain SnippetViewSet list of
the same model, in the same run, at 100,000 referrals (plain page, filtered, searched).

Prints milliseconds (median of several runs), SQL queries per request and the ratio ours/plain
(target: at most 1.5), and on PostgreSQL the query plans of the search, which must use the
trigram indexes instead of scanning the whole table.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/referral_list.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_cases \
        DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/referral_list.py

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
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
BATCH = 5000


def populate(rows):
    from casework.models import Beneficiary, Referral
    from network.models import Comune
    from tests.factories import make_tax_code

    comuni = list(Comune.objects.order_by("pk"))
    statuses = ["received", "taken_in_charge", "declined", "withdrawn", "closed"]
    kinds = ["assistenziale", "tirocinio", "inserimento", "personalizzato"]
    start = datetime.date(2016, 7, 1)
    for offset in range(0, rows, BATCH):
        size = min(BATCH, rows - offset)
        people = Beneficiary.objects.bulk_create(
            Beneficiary(
                tax_code=make_tax_code(n),
                first_name=f"Nome{n}",
                last_name=f"Cognome{n:06d}",
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
                status=statuses[n % len(statuses)],
                proposed_pathway_type=kinds[n % len(kinds)],
            )
            for n, person in zip(range(offset, offset + size), people, strict=True)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def plain_viewset():
    """Wagtail's SnippetViewSet as it comes, with the same columns, filters and search fields.
    It shares our URL namespace, so its links resolve without registering it."""
    from wagtail.snippets.views.snippets import SnippetViewSet

    from casework.models import Referral

    class PlainReferralViewSet(SnippetViewSet):
        model = Referral
        list_display = ["protocol", "beneficiary", "comune", "referred_on", "status"]
        list_filter = ["comune", "status", "proposed_pathway_type"]
        search_fields = ["protocol", "beneficiary__last_name", "beneficiary__tax_code"]
        search_backend_name = None
        copy_view_enabled = False  # as ours (it shares our URL names)

    return PlainReferralViewSet()


def measure(view, user, query):
    request_factory = RequestFactory()
    timings = []
    queries = 0
    for run in range(REPEAT + 1):
        request = request_factory.get("/admin/snippets/casework/referral/" + query)
        request.user = user
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = view(request)
            response.render()
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if run:  # the first run warms caches
            timings.append(elapsed * 1000)
            queries = len(context.captured_queries)
    return statistics.median(timings), queries


def explain_search(view, user, word):
    """EXPLAIN ANALYZE of the SQL our list really ran for a search (page and count)."""
    request = RequestFactory().get("/admin/snippets/casework/referral/", {"q": word})
    request.user = user
    with CaptureQueriesContext(connection) as context:
        view(request).render()
    for query in context.captured_queries:
        sql = query["sql"]
        if '"casework_referral"' not in sql or "LIKE" not in sql:
            continue
        print(f"\n--- q={word!r}: {sql[:160]}...")
        with connection.cursor() as cursor:
            # The SQL is the one Django just ran, with its parameters already bound.
            cursor.execute("EXPLAIN ANALYZE " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from casework.models import Referral
        from tests.factories import comune as comune_named
        from tests.factories import programme_manager, social_worker

        started = time.perf_counter()
        populate(ROWS)
        print(
            f"{connection.vendor}: {Referral.objects.count():,} referrals created in "
            f"{time.perf_counter() - started:.1f}s; median of {REPEAT} runs per line"
        )
        manager = programme_manager(username="bench.pal")
        worker = social_worker(comune_named("Lumezzane"), username="bench.sociale")
        ours = Referral.snippet_viewset.index_view
        plain = plain_viewset().index_view
        lumezzane = comune_named("Lumezzane")
        sample = Referral.objects.select_related("beneficiary").order_by("pk")[ROWS // 2]
        cases = [
            ("plain list", ""),
            ("filtered (status)", "?status=received"),
            ("filtered (Comune+status)", f"?comune={lumezzane.pk}&status=received"),
            ("searched (surname)", f"?q={sample.beneficiary.last_name}"),
            ("searched (tax code)", f"?q={sample.beneficiary.tax_code}"),
            ("searched (protocol)", f"?q={sample.protocol}"),
        ]
        print(f"\n{'case':<26} {'ours ms':>9} {'q':>4} {'plain ms':>9} {'q':>4} {'ratio':>6}")
        worst = 0
        for label, query in cases:
            our_ms, our_q = measure(ours, manager, query)
            plain_ms, plain_q = measure(plain, manager, query)
            ratio = our_ms / plain_ms
            worst = max(worst, ratio)
            print(f"{label:<26} {our_ms:9.1f} {our_q:4d} {plain_ms:9.1f} {plain_q:4d} {ratio:6.2f}")
        worker_ms, worker_q = measure(ours, worker, "")
        print(f"{'ours, social worker':<26} {worker_ms:9.1f} {worker_q:4d}")
        verdict = "OK" if worst <= 1.5 else "OVER TARGET"
        print(f"\nworst ratio ours/plain: {worst:.2f} (target <= 1.5): {verdict}")
        if connection.vendor == "postgresql":
            explain_search(ours, manager, sample.beneficiary.last_name)
            explain_search(ours, manager, sample.beneficiary.tax_code[:11])
        else:
            print("\n(SQLite: no trigram index; the query plans are shown on PostgreSQL)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
