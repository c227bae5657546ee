"""Demo staff accounts, one per role (social workers of two different Comuni)."""

from django.contrib.auth import get_user_model

from network.models import Comune

DEMO_CASE_COMUNI = ["017096", "017174", "017075", "017061", "017199", "017117"]


DEMO_SURNAMES = [
    "Rossi", "Bertoli", "Zanetti", "Gatta", "Ferrari", "Bonomi", "Pedretti", "Cominelli",
    "Belleri", "Ghidini", "Zubani", "Tanghetti", "Bettinsoli", "Facchini", "Gabusi", "Zanardelli",
]  # fmt: skip


DEMO_NAMES_M = ["Marco", "Luca", "Giovanni", "Andrea", "Paolo", "Stefano", "Davide", "Franco"]


DEMO_NAMES_F = ["Giulia", "Sara", "Elena", "Chiara", "Anna", "Laura", "Marta", "Paola"]


# How many people end in each state; the order of the list is the order people are built in.
DEMO_STATES = [
    ("received_overdue", 8),
    ("received_due_soon", 6),
    ("received", 8),
    ("declined", 3),
    ("withdrawn", 2),
    ("intake_overdue", 5),
    ("matching_due_soon", 5),
    ("matching", 4),
    ("active", 9),
    ("completed", 6),
    ("interrupted", 4),
]


def _demo_tax_code(n, birth, sex, place):
    from network.codice_fiscale import MONTHS, build_check

    letters = "BCDFGHLMNPRSTVZ"
    surname = "".join(letters[(n // 15**i) % 15] for i in range(3))
    name = "".join(letters[(n // 15 ** (i + 3)) % 15] for i in range(3))
    day = birth.day + (40 if sex == "F" else 0)
    return build_check(f"{surname}{name}{birth:%y}{MONTHS[birth.month - 1]}{day:02d}{place}")


def load_cases(context):
    import datetime
    import random

    from casework.cases.services import pathways as cases_pathways
    from casework.cases.services import referrals as cases_referrals
    from casework.cases.signatures.demo import sign_every_paper

    from .deadlines import today
    from .models import Referral, TeamMeeting

    if Referral.objects.filter(protocol__startswith="DEMO/").count() >= 60:
        context["stdout"].write("  casi demo già presenti")
        return
    User = get_user_model()
    operator = User.objects.filter(username="agenzia").first()
    manager = User.objects.filter(username="pal").first()
    comuni = list(Comune.objects.filter(istat_code__in=DEMO_CASE_COMUNI).order_by("istat_code"))
    from network.models import Position
    from network.selectors import seats_in_use

    # Positions any demo person may take: open, at an approved host, reserved for nobody.
    positions = {
        kind: list(
            Position.objects.filter(
                pathway_types=kind,
                status="open",
                host__status="approved",
                reserved_for_comune__isnull=True,
            )[:10]
        )
        for kind in ("assistenziale", "tirocinio", "inserimento")
    }
    rng = random.Random(80)  # noqa: S311 - demo data, not security
    now = today()
    n = 0
    for state, count in DEMO_STATES:
        for _ in range(count):
            n += 1
            protocol = f"DEMO/{n:03d}"
            comune = comuni[n % len(comuni)]
            if Referral.objects.filter(comune=comune, protocol=protocol).exists():
                continue
            sex = "F" if n % 2 else "M"
            birth = datetime.date(
                1960 + rng.randrange(40), rng.randrange(1, 13), rng.randrange(1, 28)
            )
            code = _demo_tax_code(n + 500, birth, sex, comune.cadastral_code)
            person = cases_referrals.find_beneficiary(code) or cases_referrals.register_beneficiary(
                tax_code=code,
                user=manager,
                first_name=rng.choice(DEMO_NAMES_F if sex == "F" else DEMO_NAMES_M),
                last_name=rng.choice(DEMO_SURNAMES),
                residence_comune=comune,
                target_group=rng.choice(["svantaggiato", "difficolta", "giovane"]),
                employment_condition=rng.choice(["disoccupato", "inoccupato"]),
                phone=f"030 89{n:04d}",
                privacy_notice_on=now - datetime.timedelta(days=90),
                confidential_notes="Nota riservata dimostrativa." if n % 5 == 0 else "",
            )
            kind = ["tirocinio", "assistenziale", "inserimento", "tirocinio"][n % 4]
            age = {
                "received_overdue": 16 + n % 10,
                "received_due_soon": 13,
                "received": 3 + n % 5,
                "intake_overdue": 40,
                "matching_due_soon": 20,
            }.get(state, 60 + n * 2)
            referred_on = now - datetime.timedelta(days=age)
            referral = cases_referrals.create_referral(
                person,
                comune=comune,
                protocol=protocol,
                referred_on=referred_on,
                user=manager,
                social_worker_name="Servizio sociale di " + comune.name,
                proposed_pathway_type=kind,
                reason="Persona disoccupata da oltre 12 mesi, disponibile a un percorso.",
            )
            if state.startswith("received"):
                continue
            if state == "declined":
                cases_referrals.decline_referral(
                    referral, reason="Di competenza del SIL.", user=operator
                )
                continue
            if state == "withdrawn":
                cases_referrals.withdraw_referral(referral, reason="Trasferita.", user=manager)
                continue
            intake_on = referred_on + datetime.timedelta(days=5)
            if state == "intake_overdue":
                intake_on = now - datetime.timedelta(days=20)
            if state == "matching_due_soon":
                intake_on = now - datetime.timedelta(days=13)
            pathway = cases_pathways.take_in_charge(referral, on=intake_on, user=operator)
            if state == "intake_overdue":
                continue
            cases_pathways.define_pathway(
                pathway,
                user=operator,
                first_interview_on=intake_on + datetime.timedelta(days=1),
                assessment="Motivata, buone capacità relazionali.",
                planned_tutoring_hours=10 if kind != "assistenziale" else 0,
                hours_per_week=20,
            )
            if state.startswith("matching"):
                continue
            free = [p for p in positions.get(kind, []) if seats_in_use(p) < p.seats]
            if not free:
                continue
            activated_on = intake_on + datetime.timedelta(days=10)
            # Placed, then every party signs agreement and projects the day before activation.
            pathway = cases_pathways.define_pathway(
                pathway, user=operator, position=free[n % len(free)]
            )
            sign_every_paper(pathway, on=activated_on - datetime.timedelta(days=1), user=operator)
            cases_pathways.activate_pathway(pathway, on=activated_on, user=operator)
            ended_on = min(now, activated_on + datetime.timedelta(days=30))
            if state == "completed":
                outcome = "hired" if n % 2 else "completed"
                cases_pathways.complete_pathway(
                    pathway, on=ended_on, outcome=outcome, user=operator
                )
                cases_pathways.record_follow_up(
                    pathway,
                    on=now,
                    situation="employed" if outcome == "hired" else "searching",
                    user=operator,
                )
            elif state == "interrupted":
                cases_pathways.interrupt_pathway(
                    pathway, on=ended_on, reason="Problemi di salute.", user=operator
                )
    if not TeamMeeting.objects.exists():
        meeting = TeamMeeting.objects.create(
            held_on=now - datetime.timedelta(days=18),
            participants="Agenzia, responsabile PAL, servizi sociali",
            minutes="Esame dei casi in attesa e delle attivazioni.",
            created_by=manager,
        )
        meeting.cases.set(Referral.objects.filter(protocol__startswith="DEMO/")[:10])
    context["stdout"].write(
        f"  casi demo: {Referral.objects.filter(protocol__startswith='DEMO/').count()}"
    )
