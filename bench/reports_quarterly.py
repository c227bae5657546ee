"""Benchmark: the quarterly report over many referrals, ours vs a per-row Python baseline.

Fills the tables with N referrals (the 18 Comuni in turn, each taken in charge, one in two
activated, each with a tutoring session), then in the same run:

* ours: ``documents.builders.build_report("quarterly")`` for the whole programme (aggregate
  queries grouped by Comune) and the same for 1/100 of the rows;
* baseline: the first table only (referrals, intakes, on-time intakes per Comune) computed by
  iterating the rows in Python, as a spreadsheet-minded script would.

Prints seconds and SQL queries for each, and the ratios. The query count must be the same for
both sizes. Rows are deleted at the end.

    VAR_DIR=/tmp/zo-bench .venv/bin/python bench/reports_quarterly.py [--rows 100000]

The default is 20,000 rows so that ``make bench`` stays short; filling 100,000 takes minutes
on SQLite, the report itself about a second.
    # PostgreSQL: add DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_bench
"""

import argparse
import datetime
import os
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from casework.models import Beneficiary, Pathway, Referral, TutoringSession  # noqa: E402
from documents.builders import build_report  # noqa: E402
from network.codice_fiscale import MONTHS, build_check  # noqa: E402
from network.models import Comune  # noqa: E402

START, END = datetime.date(2017, 1, 1), datetime.date(2017, 3, 31)
PROTOCOL_PREFIX = "BENCH-Q-"


def tax_code(n):
    letters = string.ascii_uppercase
    surname = "".join(letters[(n // 26**i) % 26] for i in range(3))
    name = "".join(letters[(n // 26 ** (i + 3)) % 26] for i in range(3))
    return build_check(f"{surname}{name}80{MONTHS[0]}01E738")


@transaction.atomic
def fill(rows, offset=0):
    comuni = list(Comune.objects.order_by("pk"))
    people = Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                tax_code=tax_code(n + offset + 5_000_000),
                first_name="Bench",
                last_name=f"P{n}",
                birth_date=datetime.date(1980, 1, 1),
                sex="M",
                residence_comune=comuni[n % len(comuni)],
                target_group="svantaggiato",
            )
            for n in range(rows)
        ],
        batch_size=2000,
    )
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                comune=person.residence_comune,
                protocol=f"{PROTOCOL_PREFIX}{n + offset}",
                beneficiary=person,
                referred_on=START + datetime.timedelta(days=n % 80),
                intake_due_on=START + datetime.timedelta(days=n % 80 + 15),
                status="taken_in_charge",
            )
            for n, person in enumerate(people)
        ],
        batch_size=2000,
    )
    pathways = Pathway.objects.bulk_create(
        [
            Pathway(
                referral=referral,
                comune=referral.comune,
                pathway_type=("tirocinio", "inserimento", "assistenziale")[n % 3],
                intake_on=referral.referred_on + datetime.timedelta(days=n % 20),
                activation_due_on=referral.referred_on + datetime.timedelta(days=n % 20 + 15),
                activated_on=referral.referred_on + datetime.timedelta(days=10) if n % 2 else None,
                status="active" if n % 2 else "intake",
            )
            for n, referral in enumerate(referrals)
        ],
        batch_size=2000,
    )
    TutoringSession.objects.bulk_create(
        [
            TutoringSession(pathway=p, on=START + datetime.timedelta(days=30), hours=2)
            for p in pathways
        ],
        batch_size=2000,
    )


@transaction.atomic
def clean():
    people = Beneficiary.objects.filter(referrals__protocol__startswith=PROTOCOL_PREFIX)
    TutoringSession.objects.filter(pathway__referral__protocol__startswith=PROTOCOL_PREFIX).delete()
    Pathway.objects.filter(referral__protocol__startswith=PROTOCOL_PREFIX).delete()
    ids = list(people.values_list("pk", flat=True))
    Referral.objects.filter(protocol__startswith=PROTOCOL_PREFIX).delete()
    Beneficiary.objects.filter(pk__in=ids).delete()


def measure(function):
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - began
    return seconds, len(queries), result


def ours():
    return build_report("quarterly", start=START, end=END)


def baseline():
    per_comune = {}
    for referral in Referral.objects.filter(referred_on__range=(START, END)).iterator():
        per_comune.setdefault(referral.comune_id, [0, 0, 0])[0] += 1
    for pathway in (
        Pathway.objects.filter(intake_on__range=(START, END)).select_related("referral").iterator()
    ):
        row = per_comune.setdefault(pathway.comune_id, [0, 0, 0])
        row[1] += 1
        row[2] += pathway.intake_on <= pathway.referral.intake_due_on
    return per_comune


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    clean()
    small = max(1, args.rows // 100)
    try:
        fill(small)
        small_seconds, small_queries, _ = measure(ours)
        fill(args.rows - small, offset=small)
        big_seconds, big_queries, report = measure(ours)
        base_seconds, base_queries, per_comune = measure(baseline)
    finally:
        clean()
    total = report.tables[0].total
    assert total[1] == sum(row[0] for row in per_comune.values()), "figures differ"
    assert total[3] == sum(row[2] for row in per_comune.values()), "figures differ"
    print(
        f"quarterly report, {small:>7} referrals: {small_seconds:7.3f} s, {small_queries} queries"
    )
    print(
        f"quarterly report, {args.rows:>7} referrals: {big_seconds:7.3f} s, {big_queries} queries"
    )
    print(
        f"baseline (Python loop, first table only): {base_seconds:7.3f} s, {base_queries} queries"
    )
    print(f"ratio ours/baseline time: {big_seconds / base_seconds:.2f}")
    print(f"ratio time {args.rows}/{small} referrals: {big_seconds / small_seconds:.1f}")
    if big_queries != small_queries:
        print("FAIL: the query count grows with the referrals")
        sys.exit(1)
    print("query count independent of the number of referrals: OK")


if __name__ == "__main__":
    main()
