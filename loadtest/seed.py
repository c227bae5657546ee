"""Seed the load test's throw-away database (after ``migrate`` and ``load_demo``): volume
(``LOAD_REFERRALS`` people with a referral each, a pathway for every referral taken in charge,
proposed vouchers for the joint team to decide) and 50 staff accounts of the three roles, each
with its own password and TOTP device, written to ``LOAD_USERS_FILE`` for locust.

    DJANGO_SETTINGS_MODULE=config.settings.load DATABASE_URL=postgres://.../zo_load \
        .venv/bin/python loadtest/seed.py

Refuses to run unless the settings module is ``config.settings.load`` (it creates accounts).
"""

import datetime
import json
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.load")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

ROWS = int(os.environ.get("LOAD_REFERRALS", "5000"))
VOUCHERS = int(os.environ.get("LOAD_VOUCHERS", "400"))
USERS_FILE = Path(os.environ.get("LOAD_USERS_FILE", settings.VAR_DIR / "loadtest-users.json"))
BATCH = 2000
# 50 simulated staff: social workers of nine Comuni (four each), agency operators, the
# programme manager's office.
SOCIAL_COMUNI = 9
SOCIAL_PER_COMUNE = 4
AGENCY = 10
MANAGERS = 4
SAMPLE = 300  # ids per Comune handed to locust for the inspect pages


def people_and_referrals(comuni):
    from casework.models import Beneficiary, Referral
    from tests.factories import make_tax_code

    statuses = ["received", "taken_in_charge", "taken_in_charge", "declined", "closed"]
    kinds = ["assistenziale", "tirocinio", "inserimento", "personalizzato"]
    start = datetime.date(2025, 1, 1)
    first = 900_000  # tax codes apart from the demo's and the tests'
    for offset in range(0, ROWS, BATCH):
        size = min(BATCH, ROWS - offset)
        people = Beneficiary.objects.bulk_create(
            Beneficiary(
                tax_code=make_tax_code(first + n),
                first_name=f"Carico{n}",
                last_name=f"Prova{n:05d}",
                birth_date=datetime.date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
                sex="MF"[n % 2],
                residence_comune=comuni[n % len(comuni)],
                target_group="giovane",
            )
            for n in range(offset, offset + size)
        )
        Referral.objects.bulk_create(
            Referral(
                comune=person.residence_comune,
                protocol=f"LOAD/{n:06d}",
                beneficiary=person,
                referred_on=start + datetime.timedelta(days=n % 600),
                intake_due_on=start + datetime.timedelta(days=n % 600 + 15),
                status=statuses[n % len(statuses)],
                proposed_pathway_type=kinds[n % len(kinds)],
            )
            for n, person in zip(range(offset, offset + size), people, strict=True)
        )


def pathways():
    from casework.cases.models import Pathway
    from casework.models import Referral

    referrals = Referral.objects.filter(protocol__startswith="LOAD/", status="taken_in_charge")
    statuses = ["intake", "matching", "active", "active", "completed"]
    created = []
    for n, referral in enumerate(referrals.iterator()):
        intake = referral.referred_on + datetime.timedelta(days=5)
        status = statuses[n % len(statuses)]
        created.append(
            Pathway(
                referral=referral,
                comune_id=referral.comune_id,
                pathway_type=referral.proposed_pathway_type,
                intake_on=intake,
                first_interview_on=intake,
                activation_due_on=intake + datetime.timedelta(days=15),
                activated_on=intake + datetime.timedelta(days=12)
                if status in ("active", "completed")
                else None,
                status=status,
            )
        )
    Pathway.objects.bulk_create(created, batch_size=BATCH)


def vouchers(operator):
    """Proposed tutoring hours through the service (tariff, edition, Comune as in real use)."""
    from django.core.exceptions import ValidationError

    from casework.cases.models import Pathway
    from casework.money import services

    made = 0
    candidates = Pathway.objects.filter(
        referral__protocol__startswith="LOAD/", status="active", pathway_type="tirocinio"
    ).order_by("pk")
    for pathway in candidates.iterator():
        if made >= VOUCHERS:
            break
        try:
            with transaction.atomic():
                services.create_voucher(pathway, kind="tutoring_hour", quantity=2, user=operator)
        except ValidationError:
            continue
        made += 1
    return made


def totp_key():
    return secrets.token_hex(20)


def staff(comuni):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casework.permissions.models import StaffProfile
    from casework.permissions.roles import AGENCY_OPERATOR, PROGRAMME_MANAGER, SOCIAL_WORKER

    User = get_user_model()
    plan = []
    for c, comune in enumerate(comuni[:SOCIAL_COMUNI]):
        for i in range(SOCIAL_PER_COMUNE):
            plan.append((f"load.sociale.{c}.{i}", SOCIAL_WORKER, [comune]))
    plan += [(f"load.agenzia.{i}", AGENCY_OPERATOR, []) for i in range(AGENCY)]
    plan += [(f"load.pal.{i}", PROGRAMME_MANAGER, []) for i in range(MANAGERS)]
    groups = {name: Group.objects.get(name=name) for name in {role for _, role, _ in plan}}
    accounts = []
    for n, (username, role, user_comuni) in enumerate(plan):
        password = secrets.token_urlsafe(18)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Utente", "last_name": f"Carico {n}"},
        )
        user.set_password(password)
        user.save()
        user.groups.set([groups[role]])
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.comuni.set(user_comuni)
        TOTPDevice.objects.filter(user=user).delete()
        key = totp_key()
        TOTPDevice.objects.create(user=user, name="Carico", key=key, confirmed=True)
        accounts.append(
            {
                "username": username,
                "password": password,
                "totp_key": key,
                "role": {
                    SOCIAL_WORKER: "social",
                    AGENCY_OPERATOR: "agency",
                    PROGRAMME_MANAGER: "manager",
                }[role],
                "comune": user_comuni[0].pk if user_comuni else None,
            }
        )
    return accounts


def samples(comuni):
    from casework.cases.models import Pathway
    from casework.models import Beneficiary, Referral
    from casework.money.models import Voucher

    by_comune = {}
    for comune in comuni:
        by_comune[str(comune.pk)] = {
            "referrals": list(
                Referral.objects.filter(comune=comune).values_list("pk", flat=True)[:SAMPLE]
            ),
            "pathways": list(
                Pathway.objects.filter(comune=comune).values_list("pk", flat=True)[:SAMPLE]
            ),
            "people": list(
                Beneficiary.objects.filter(residence_comune=comune).values_list("pk", flat=True)[
                    :SAMPLE
                ]
            ),
            "vouchers": list(
                Voucher.objects.filter(comune=comune).values_list("pk", flat=True)[:SAMPLE]
            ),
        }
    proposed = list(Voucher.objects.filter(status="proposed").values_list("pk", flat=True))
    return by_comune, proposed


def main():
    if settings.SETTINGS_MODULE != "config.settings.load":
        sys.exit("loadtest/seed.py runs only with DJANGO_SETTINGS_MODULE=config.settings.load")
    from django.contrib.auth import get_user_model

    from casework.models import Referral
    from network.models import Comune

    comuni = list(Comune.objects.order_by("pk"))
    with transaction.atomic():
        if not Referral.objects.filter(protocol__startswith="LOAD/").exists():
            people_and_referrals(comuni)
            pathways()
    operator = get_user_model().objects.get(username="agenzia")
    made = vouchers(operator)
    with transaction.atomic():
        accounts = staff(comuni)
    by_comune, proposed = samples(comuni)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    USERS_FILE.parent.mkdir(parents=True, exist_ok=True)
    USERS_FILE.touch(mode=0o600)
    USERS_FILE.write_text(
        json.dumps(
            {
                "accounts": accounts,
                "comuni": [c.pk for c in comuni],
                "samples": by_comune,
                "proposed_vouchers": proposed,
            }
        )
    )
    print(
        f"seed: {Referral.objects.count()} segnalazioni, {made} voucher proposti ora, "
        f"{len(accounts)} utenti di carico -> {USERS_FILE}"
    )


if __name__ == "__main__":
    main()
