"""Benchmark: the public directory of the network with a small and a large network, in the same
run, uncached (cache cleared before each request) and cached.

Prints milliseconds (median of several runs), SQL queries per request and the ratio large/small:
the query count must not grow with the network, and a cached page runs none of the directory's
queries.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/network_directory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_net \
        DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/network_directory.py

It creates (and afterwards destroys) a test database. ``BENCH_ORGS`` sets the large network's
organisations (three positions each; default 1,500, i.e. 4,500 positions).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SMALL = 100
LARGE = int(os.environ.get("BENCH_ORGS", "1500"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
KINDS = ["associazione", "ente_pubblico", "coop_a", "coop_b", "impresa", "altro"]
TYPES = ["assistenziale", "tirocinio", "inserimento", "personalizzato"]


def grow_to(organisations):
    from network.models import Comune, HostOrganisation, Position
    from tests.factories import _vat_number

    comuni = list(Comune.objects.order_by("pk"))
    start = HostOrganisation.objects.count()
    hosts = HostOrganisation.objects.bulk_create(
        HostOrganisation(
            name=f"Ente {n:05d}",
            kind=KINDS[n % len(KINDS)],
            tax_code=_vat_number(n),
            comune=comuni[n % len(comuni)],
            contact_person="Referente",
            email=f"ente{n}@example.it",
            status="approved" if n % 10 else "pending",
        )
        for n in range(start, organisations)
    )
    positions = Position.objects.bulk_create(
        Position(
            host=host, title=f"Posizione {index} di {host.name}", seats=1 + index, status="open"
        )
        for host in hosts
        for index in range(3)
    )
    through = Position.pathway_types.through
    through.objects.bulk_create(
        through(position_id=position.pk, pathwaytypeoption_id=TYPES[position.pk % len(TYPES)])
        for position in positions
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, url, *, cached):
    timings, queries = [], 0
    client.get(url)  # warm Wagtail's site and page lookups
    for _ in range(REPEAT):
        if not cached:
            cache.clear()
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(context.captured_queries)
    cards = response.content.decode().count('class="org-card"')
    return statistics.median(timings), queries, cards


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from home.content import build_page_tree
        from network.demo import build_pages
        from network.models import DirectoryPage, Position

        build_page_tree()
        build_pages()
        base = DirectoryPage.objects.get().url
        client = Client()
        cases = [
            ("whole directory", base),
            ("filtered (type)", f"{base}?pathway_type=tirocinio"),
            ("page 3", f"{base}?pagina=3"),
            ("filtered (Comune, kind)", f"{base}?comune=10&kind=coop_b"),
        ]
        results = {}
        for size in (SMALL, LARGE):
            grow_to(size)
            count = Position.objects.count()
            for label, url in cases:
                for cached in (False, True):
                    results[(size, label, cached)] = measure(client, url, cached=cached)
            print(f"{connection.vendor}: {size:,} organisations, {count:,} positions measured")
        print(f"\nmedian of {REPEAT} requests; ratio = large / small")
        header = f"{'case':<26} {'cache':<6} {'small ms':>9} {'q':>3} {'large ms':>9} {'q':>3} {'ratio':>6}"
        print(header)
        for label, _url in cases:
            for cached in (False, True):
                small_ms, small_q, _cards = results[(SMALL, label, cached)]
                large_ms, large_q, large_cards = results[(LARGE, label, cached)]
                assert large_cards, f"{label}: no organisation on the page"
                print(
                    f"{label:<26} {'yes' if cached else 'no':<6} {small_ms:9.1f} {small_q:3d} "
                    f"{large_ms:9.1f} {large_q:3d} {large_ms / small_ms:6.2f}"
                )
                assert large_q == small_q, "the query count grew with the network"
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
