"""Importing referrals and the people they concern."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.audit.services import Action, record_events
from casework.cases import deadlines
from casework.cases.choices import (
    OPEN_REFERRAL_STATUSES,
    EmploymentCondition,
    ReferralStatus,
    Sex,
    TargetGroup,
)
from casework.cases.models import Beneficiary, Referral
from casework.cases.rules import INTAKE_DEADLINE_DAYS
from casework.cases.services.referrals import (
    check_no_open_referral,
    check_personal_data,
    check_residence,
)
from network.choices import PathwayType
from network.codice_fiscale import normalize as normalize_tax_code

from .base import BaseImporter, RowOutcome
from .messages import (
    CHANGED,
    ERROR,
    MSG_BAD_EMAIL,
    MSG_FUTURE_DATE,
    MSG_NEW_PERSON_NEEDS,
    MSG_PROTOCOL_OTHER_PERSON,
    MSG_REFERRAL_LOCKED,
    MSG_REPEATED,
    MSG_REQUIRED,
    NEW,
    UNCHANGED,
)
from .parsing import choice_help, choice_lookup, clean_text, is_blank, parse_date
from .reading import Column

_CONDITIONS = choice_lookup(EmploymentCondition)


_TARGETS = choice_lookup(
    TargetGroup, {"difficoltasoggettive": TargetGroup.DIFFICOLTA, "giovani": TargetGroup.GIOVANE}
)


_PATHWAYS = choice_lookup(PathwayType)


_SEXES = choice_lookup(Sex, {"m": "M", "f": "F", "uomo": "M", "donna": "F"})


# The cases rules' fields -> this file's columns, so a rule's refusal names the column.
_RULE_COLUMNS = {
    "tax_code": "codice_fiscale",
    "birth_date": "data_nascita",
    "sex": "sesso",
    "comune": "comune",
}


def _rule_errors(row, error, column):
    """A cases rule's ``ValidationError`` as this row's errors, under the rule's own messages;
    a message without a field goes under ``column``."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                row.error(_RULE_COLUMNS.get(field, column), message)
    else:
        for message in error.messages:
            row.error(column, message)


# Person fields an import may set: an empty cell never blanks them.
PERSON_FIELDS = {
    "cognome": "last_name",
    "nome": "first_name",
    "telefono": "phone",
    "email": "email",
    "condizione": "employment_condition",
    "target": "target_group",
}


REFERRAL_FIELDS = {
    "data_segnalazione": "referred_on",
    "assistente_sociale": "social_worker_name",
    "percorso_proposto": "proposed_pathway_type",
    "note": "reason",
}


class ReferralImporter(BaseImporter):
    """A referral per row, keyed by Comune + protocollo; its person created or updated by tax
    code. The referral's Comune is the person's residence."""

    kind = "referrals"
    columns = (
        Column(
            "protocollo",
            required=True,
            aliases=("protocol", "n protocollo", "numero protocollo"),
            heading=gettext_lazy("Protocollo"),
            help=gettext_lazy("il protocollo della segnalazione presso il Comune"),
        ),
        Column(
            "comune",
            required=True,
            aliases=("comune inviante", "comune di residenza"),
            heading=gettext_lazy("Comune"),
            help=gettext_lazy("nome o codice ISTAT del Comune di residenza"),
        ),
        Column(
            "data_segnalazione",
            required=True,
            aliases=("data", "data invio"),
            heading=gettext_lazy("Data segnalazione"),
            help=gettext_lazy("gg/mm/aaaa, ad esempio 15/11/2026"),
        ),
        Column(
            "codice_fiscale",
            required=True,
            aliases=("cf", "c f", "codice fiscale persona"),
            heading=gettext_lazy("Codice fiscale"),
        ),
        Column("cognome", required=True, heading=gettext_lazy("Cognome"), required_for_new=True),
        Column("nome", required=True, heading=gettext_lazy("Nome"), required_for_new=True),
        Column(
            "data_nascita",
            aliases=("data di nascita", "nato il"),
            heading=gettext_lazy("Data nascita"),
            help=gettext_lazy("gg/mm/aaaa; se presente deve corrispondere al codice fiscale"),
        ),
        Column("sesso", heading=gettext_lazy("Sesso"), help=gettext_lazy("M o F")),
        Column("telefono", aliases=("tel", "cellulare"), heading=gettext_lazy("Telefono")),
        Column(
            "email", aliases=("e-mail", "mail", "posta elettronica"), heading=gettext_lazy("Email")
        ),
        Column(
            "condizione",
            aliases=("condizione occupazionale",),
            heading=gettext_lazy("Condizione"),
            help=choice_help(EmploymentCondition),
        ),
        Column(
            "target",
            aliases=("gruppo target", "categoria"),
            heading=gettext_lazy("Target"),
            required_for_new=True,
            help=choice_help(TargetGroup),
        ),
        Column(
            "percorso_proposto",
            aliases=("percorso", "tipologia", "tipologia percorso"),
            heading=gettext_lazy("Percorso proposto"),
            help=choice_help(PathwayType),
        ),
        Column(
            "assistente_sociale",
            aliases=("operatore", "assistente"),
            heading=gettext_lazy("Assistente sociale"),
        ),
        Column(
            "note",
            aliases=("motivazione", "motivazione segnalazione"),
            heading=gettext_lazy("Note"),
        ),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.today = deadlines.today()
        self.referred_by = (
            self.user if self.user is not None and self.user.is_authenticated else None
        )

    def parse_row(self, row):
        values = row.values
        # Protocols and names are shown in exports and in the listings a Comune downloads: a
        # value a spreadsheet would run as a formula is refused at the door.
        values["protocollo"] = row.text(
            "protocollo", max_length=50, required=True, refuse_formula=True
        )
        comune = self.comune(row)
        values["comune"] = comune
        referred_on = row.parse("data_segnalazione", parse_date, required=True)
        if referred_on is not None and referred_on > self.today:
            row.error("data_segnalazione", MSG_FUTURE_DATE)
        values["data_segnalazione"] = referred_on
        raw_code = row.raw.get("codice_fiscale")
        code = None
        if is_blank(raw_code):
            row.error("codice_fiscale", MSG_REQUIRED)
        else:
            code = normalize_tax_code(clean_text(raw_code))
            try:
                check_personal_data(code)
            except ValidationError as error:
                _rule_errors(row, error, "codice_fiscale")
                code = None
        birth_date = row.parse("data_nascita", parse_date)
        sex = row.choice("sesso", _SEXES, Sex)
        parsed = None
        if code is not None:
            # The services' own check of the code against the birth date and sex.
            try:
                parsed = check_personal_data(code, birth_date=birth_date, sex=sex)
            except ValidationError as error:
                _rule_errors(row, error, "codice_fiscale")
        values["parsed_code"] = parsed
        values["cognome"] = row.text("cognome", max_length=100, refuse_formula=True)
        values["nome"] = row.text("nome", max_length=100, refuse_formula=True)
        values["telefono"] = row.text("telefono", max_length=30)
        email = row.text("email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", MSG_BAD_EMAIL % {"value": email})
        values["email"] = email
        values["condizione"] = row.choice("condizione", _CONDITIONS, EmploymentCondition)
        values["target"] = row.choice("target", _TARGETS, TargetGroup)
        values["percorso_proposto"] = row.choice("percorso_proposto", _PATHWAYS, PathwayType)
        values["assistente_sociale"] = row.text(
            "assistente_sociale", max_length=150, refuse_formula=True
        )
        values["note"] = clean_text(row.raw.get("note"))

    def apply_chunk(self, rows):
        # Every row whose tax code, Comune and protocol could be read is looked up, errors or
        # not: the checks against the database then run on it too, so that a row shows all its
        # errors at once (a new person's missing target beside a wrong date), not one round of
        # corrections after another.
        codes = {row.values["parsed_code"].code for row in rows if row.values["parsed_code"]}
        keyed = [row for row in rows if row.values["comune"] and row.values["protocollo"]]
        protocols = {row.values["protocollo"] for row in keyed}
        comune_ids = {row.values["comune"].pk for row in keyed}
        people = {}
        referrals = {}
        open_by_person = {}
        if codes:
            people = {p.tax_code: p for p in Beneficiary.objects.filter(tax_code__in=codes)}
        if keyed:
            referrals = {
                (r.comune_id, r.protocol): r
                for r in Referral.objects.filter(protocol__in=protocols, comune_id__in=comune_ids)
            }
        if people:
            for beneficiary_id, protocol, comune_id in Referral.objects.filter(
                beneficiary_id__in=[p.pk for p in people.values()],
                status__in=OPEN_REFERRAL_STATUSES,
            ).values_list("beneficiary_id", "protocol", "comune_id"):
                open_by_person.setdefault(beneficiary_id, []).append((comune_id, protocol))

        now = timezone.now()
        new_people, changed_people = [], {}
        new_referrals, changed_referrals = [], []
        outcomes = []
        seen_referrals = {}
        seen_people = {}
        new_open = {}  # tax code -> protocol of the referral this chunk opens for the person
        for row in rows:
            values = row.values
            comune = values["comune"]
            code = values["parsed_code"]
            label = " – ".join(
                part
                for part in (
                    values["protocollo"],
                    comune.name if comune else "",
                    code.code if code else clean_text(row.raw.get("codice_fiscale")),
                )
                if part
            )
            key = (comune.pk, values["protocollo"]) if comune and values["protocollo"] else None
            referral = referrals.get(key) if key else None
            if key in seen_referrals or (
                # Written by an earlier chunk of this same file.
                referral is not None and referral.updated_at >= self.started_at
            ):
                row.error("protocollo", MSG_REPEATED % {"key": _("protocollo")})
                outcomes.append((row, label, None))
                continue
            person = (seen_people.get(code.code) or people.get(code.code)) if code else None
            person_changes = []
            if code is not None and person is None:
                for column in ("cognome", "nome", "target"):
                    # A target written wrong has its own error already.
                    if not values[column] and not row.has(column):
                        row.error(column, MSG_NEW_PERSON_NEEDS)
            elif person is not None:
                if comune is not None:
                    try:
                        check_residence(person.residence_comune_id, comune.pk)
                    except ValidationError as error:
                        _rule_errors(row, error, "comune")
                for column, attname in PERSON_FIELDS.items():
                    value = values[column]
                    if value and getattr(person, attname) != value:
                        person_changes.append((column, attname, value))
            referral_changes = []
            if referral is None and code is not None:
                other = new_open.get(code.code)
                if other is None and person is not None and person.pk:
                    other = next(iter(open_by_person.get(person.pk, ())), (None, None))[1]
                try:
                    check_no_open_referral(other is not None)
                except ValidationError as error:
                    _rule_errors(row, error, "codice_fiscale")
            elif referral is not None and code is not None:
                if person is None or referral.beneficiary_id != person.pk:
                    row.error("codice_fiscale", MSG_PROTOCOL_OTHER_PERSON)
                for column, attname in REFERRAL_FIELDS.items():
                    value = values[column]
                    if value and getattr(referral, attname) != value:
                        referral_changes.append((column, attname, value))
                if referral_changes and referral.status != ReferralStatus.RECEIVED:
                    row.error(referral_changes[0][0], MSG_REFERRAL_LOCKED)
            if row.errors:
                outcomes.append((row, label, None))
                continue
            if person is None:
                person = Beneficiary(
                    tax_code=code.code,
                    birth_date=code.birth_date,
                    sex=code.sex,
                    residence_comune=comune,
                    last_name=values["cognome"],
                    first_name=values["nome"],
                    phone=values["telefono"],
                    email=values["email"],
                    employment_condition=values["condizione"] or EmploymentCondition.DISOCCUPATO,
                    target_group=values["target"],
                )
                new_people.append(person)
                seen_people[code.code] = person
            if referral is None:
                new_open[code.code] = values["protocollo"]
                referral = Referral(
                    comune=comune,
                    protocol=values["protocollo"],
                    beneficiary=person,
                    referred_on=values["data_segnalazione"],
                    referred_by=self.referred_by,
                    social_worker_name=values["assistente_sociale"],
                    proposed_pathway_type=values["percorso_proposto"],
                    reason=values["note"],
                    intake_deadline_days=INTAKE_DEADLINE_DAYS,
                    intake_due_on=deadlines.intake_due(
                        values["data_segnalazione"], INTAKE_DEADLINE_DAYS
                    ),
                    status=ReferralStatus.RECEIVED,
                )
                new_referrals.append(referral)
                status = NEW
            else:
                for _column, attname, value in referral_changes:
                    setattr(referral, attname, value)
                if referral_changes:
                    referral.intake_due_on = deadlines.intake_due(
                        referral.referred_on, referral.intake_deadline_days
                    )
                    referral.updated_at = now
                    changed_referrals.append(referral)
                status = CHANGED if (referral_changes or person_changes) else UNCHANGED
            for _column, attname, value in person_changes:
                setattr(person, attname, value)
            if person_changes and person.pk:
                person.updated_at = now
                changed_people[person.pk] = person
            seen_referrals[key] = referral
            changes = tuple(c for c, _a, _v in person_changes) + tuple(
                c for c, _a, _v in referral_changes
            )
            outcomes.append((row, label, (status, changes, referral)))

        self._write(new_people, changed_people, new_referrals, changed_referrals)
        events = []
        for row, label, outcome in outcomes:
            if row.errors:
                self.report(RowOutcome(row.line, ERROR, label or "", errors=list(row.errors)))
                continue
            status, changes, referral = outcome
            self.report(RowOutcome(row.line, status, label, changes=changes))
            if status != UNCHANGED:
                events.append(
                    {
                        "model": "casework.referral",
                        "object_id": referral.pk,
                        "beneficiary_id": referral.beneficiary_id,
                        "comune_id": referral.comune_id,
                        "detail": "import " + ("new" if status == NEW else "change"),
                    }
                )
        if events and not self.dry_run:
            record_events(self.user, Action.IMPORT, events, batch_size=self.batch_size)

    def _write(self, new_people, changed_people, new_referrals, changed_referrals):
        if new_people:
            Beneficiary.objects.bulk_create(new_people, batch_size=self.batch_size)
        if changed_people:
            Beneficiary.objects.bulk_update(
                changed_people.values(),
                [*PERSON_FIELDS.values(), "updated_at"],
                batch_size=self.batch_size,
            )
        if new_referrals:
            # bulk_create takes each person's new id from the object assigned above.
            Referral.objects.bulk_create(new_referrals, batch_size=self.batch_size)
        if changed_referrals:
            Referral.objects.bulk_update(
                changed_referrals,
                [*REFERRAL_FIELDS.values(), "intake_due_on", "updated_at"],
                batch_size=self.batch_size,
            )
