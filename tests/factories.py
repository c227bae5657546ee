"""factory_boy factories shared by the whole suite. Tax codes are generated valid (with their
check character), so a test that wants an invalid one says so explicitly."""

import datetime
import string
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from casework.audit.models import AuditEvent
from casework.cases import models as cases_models
from casework.money import models as money_models
from casework.permissions import models as permissions_models
from casework.permissions.roles import AGENCY_OPERATOR, PROGRAMME_MANAGER, SOCIAL_WORKER
from network import models as net
from network.codice_fiscale import MONTHS, build_check, vat_number_check_digit


def comune(name):
    return net.Comune.objects.get(name=name)


def make_tax_code(n, *, birth_date=datetime.date(1980, 1, 1), sex="M", place="E738"):
    """A valid codice fiscale unique for ``n`` (the letters of the surname part encode n)."""
    letters = string.ascii_uppercase
    surname = "".join(letters[(n // 26**i) % 26] for i in range(3))
    name = "".join(letters[(n // 26 ** (i + 3)) % 26] for i in range(3))
    day = birth_date.day + (40 if sex == "F" else 0)
    body = (
        f"{surname}{name}{birth_date.year % 100:02d}{MONTHS[birth_date.month - 1]}{day:02d}{place}"
    )
    return build_check(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utente{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.it")
    first_name = "Mario"
    last_name = "Rossi"
    password = factory.django.Password("password-di-prova-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def comuni(self, create, extracted, **kwargs):
        if create and extracted is not None:
            profile, _ = permissions_models.StaffProfile.objects.get_or_create(user=self)
            profile.comuni.set(extracted)


def social_worker(comune_obj, **kwargs):
    return UserFactory(role=SOCIAL_WORKER, comuni=[comune_obj], **kwargs)


def agency_operator(**kwargs):
    return UserFactory(role=AGENCY_OPERATOR, **kwargs)


def programme_manager(**kwargs):
    return UserFactory(role=PROGRAMME_MANAGER, **kwargs)


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cases_models.Beneficiary

    birth_date = datetime.date(1980, 1, 1)
    sex = "M"
    tax_code = factory.LazyAttributeSequence(
        lambda o, n: make_tax_code(n + 1000, birth_date=o.birth_date, sex=o.sex)
    )
    first_name = factory.Sequence(lambda n: f"Nome{n}")
    last_name = factory.Sequence(lambda n: f"Cognome{n}")
    residence_comune = factory.LazyFunction(lambda: comune("Lumezzane"))
    employment_condition = "disoccupato"
    target_group = "svantaggiato"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cases_models.Referral

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    comune = factory.LazyAttribute(lambda o: o.beneficiary.residence_comune)
    protocol = factory.Sequence(lambda n: f"PROT-{n:05d}")
    referred_on = datetime.date(2016, 9, 1)
    proposed_pathway_type = "tirocinio"
    intake_due_on = factory.LazyAttribute(
        lambda o: o.referred_on + datetime.timedelta(days=o.intake_deadline_days)
    )
    intake_deadline_days = 15


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cases_models.Pathway

    referral = factory.SubFactory(ReferralFactory, status="taken_in_charge")
    comune = factory.LazyAttribute(lambda o: o.referral.comune)
    pathway_type = "tirocinio"
    intake_on = factory.LazyAttribute(lambda o: o.referral.referred_on + datetime.timedelta(days=5))
    activation_due_on = factory.LazyAttribute(lambda o: o.intake_on + datetime.timedelta(days=15))


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = money_models.Edition
        django_get_or_create = ("name",)

    name = "2016-2017"
    starts_on = datetime.date(2016, 7, 1)
    ends_on = datetime.date(2017, 6, 30)


class VoucherFactory(factory.django.DjangoModelFactory):
    """A traineeship activation at the seed's tariff, written directly: for tests that need a
    voucher row, not the voucher rules (those go through ``casework.services``)."""

    class Meta:
        model = money_models.Voucher

    pathway = factory.SubFactory(PathwayFactory)
    comune = factory.LazyAttribute(lambda o: o.pathway.comune)
    edition = factory.SubFactory(EditionFactory)
    kind = "traineeship_activation"
    unit_net = 200
    vat_rate = 22
    net = 200
    vat = 44
    gross = 244


class HostOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = net.HostOrganisation

    name = factory.Sequence(lambda n: f"Associazione {n}")
    kind = "associazione"
    tax_code = factory.Sequence(lambda n: _vat_number(n))
    comune = factory.LazyFunction(lambda: comune("Lumezzane"))
    contact_person = "Giulia Bianchi"
    email = factory.Sequence(lambda n: f"ente{n}@example.it")
    status = "approved"


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = net.Position
        skip_postgeneration_save = True  # the hook only sets the many-to-many

    host = factory.SubFactory(HostOrganisationFactory)
    title = factory.Sequence(lambda n: f"Postazione {n}")
    seats = 1
    status = "open"

    @factory.post_generation
    def pathway_types(self, create, extracted, **kwargs):
        if create:
            self.pathway_types.set(extracted or ["tirocinio"])


def _vat_number(n):
    """A valid partita IVA built from n (Luhn-style check digit)."""
    digits = f"{n + 1:010d}"
    return digits + vat_number_check_digit(digits)


def verified_login(client, user):
    """Log ``client`` in as ``user`` having passed the second factor (a confirmed TOTP device
    in the session), for tests run with ``ZO_REQUIRE_2FA = True``."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Telefono di prova", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


# --- Money: the 2016-2017 edition at the seed's tariffs, budgets, an active pathway to bill ---
SEED_TARIFFS = {
    "traineeship_activation": Decimal("200.00"),
    "hiring_activation": Decimal("200.00"),
    "tutoring_hour": Decimal("21.00"),
}


def seed_edition():
    edition = EditionFactory()
    for kind, net_amount in SEED_TARIFFS.items():
        money_models.Tariff.objects.get_or_create(
            edition=edition,
            kind=kind,
            defaults={"net_amount": net_amount, "vat_rate": Decimal("22")},
        )
    return edition


def budget(comune, edition, amount):
    return money_models.Budget.objects.create(
        comune=comune, edition=edition, amount=Decimal(amount)
    )


def active_pathway(comune, *, pathway_type="tirocinio", host=None, activated_on=None, **kwargs):
    activated_on = activated_on or datetime.date(2016, 10, 1)
    return PathwayFactory(
        referral__beneficiary__residence_comune=comune,
        referral__comune=comune,
        pathway_type=pathway_type,
        host=host,
        activated_on=activated_on,
        status="active",
        **kwargs,
    )


def audit_event_at(moment, detail):
    """An audit event dated in the past, written in SQL: ``at`` is set on insert and the trail
    refuses updates, so the ORM cannot back-date one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO casework_auditevent (at, action, model, object_id, detail)"
            " VALUES (%s, %s, %s, %s, %s)",
            [moment, "view", "casework.beneficiary", "1", detail],
        )
    return AuditEvent.objects.get(detail=detail)


# --- Papers: a generated paper of a pathway (casework.papers) ---
def pathway_document(pathway, *, kind="individual_project", user=None):
    """The PDF ``PathwayDocument`` of a freshly generated paper (the DOCX is generated too)."""
    from casework.papers.services import generate_pathway_document

    user = user or UserFactory(is_superuser=True, is_staff=True)
    pdf, _docx = generate_pathway_document(pathway, kind=kind, user=user)
    return pdf.pathway_paper


# --- The desk's agenda (casework.cases.agenda) ---
def next_weekday_at(hour, minute=0, *, days_ahead=1):
    """An aware moment (Europe/Rome) ``days_ahead`` days from today, moved to a weekday."""
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def waiting_referral(**kwargs):
    """A referral received a few days ago, waiting for intake (its deadline ahead)."""
    from django.utils import timezone

    kwargs.setdefault("referred_on", timezone.localdate() - datetime.timedelta(days=2))
    kwargs.setdefault("status", "received")
    return ReferralFactory(**kwargs)


def appointment(referral=None, *, operator=None, starts_at=None, minutes=45, **kwargs):
    """An appointment written straight to the table (tests of screens; the rules are tested
    through ``book_appointment``)."""
    from casework.cases.agenda.models import Appointment

    referral = referral or waiting_referral()
    operator = operator or agency_operator()
    starts_at = starts_at or next_weekday_at(10)
    return Appointment.objects.create(
        referral=referral,
        operator=operator,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        **kwargs,
    )


def sign_papers(pathway, user=None, *, position=None, on=None):
    """Every signature the pathway's papers need (``casework.cases.signatures.rules``), recorded
    through the service, so that ``activate_pathway`` accepts it. With ``position`` the pathway
    is first defined there (the host signs for the host it will start at)."""
    from casework.cases.services import pathways as cases_pathways
    from casework.cases.signatures.demo import sign_every_paper

    user = user or agency_operator()
    if position is not None:
        pathway = cases_pathways.define_pathway(pathway, user=user, position=position)
    pathway = cases_models.Pathway.objects.get(pk=pathway.pk)
    sign_every_paper(pathway, on=on, user=user)
    return pathway
