"""What a pathway's paper says, read from the case: one dictionary of Italian placeholders shared
by the PDF and by the Word template (docxtpl), in a fixed number of queries.

Every value is text already written the Italian way (dates gg/mm/aaaa, amounts "€ 1.234,56",
hours "20,5"); lists are lists of dictionaries (``{% for a in attivita %}{{ a.nome }}``).
``PLACEHOLDERS`` documents each name (the template upload page and docs/papers.md show it) and
``placeholders_for(kind)`` says which names a template of that kind may use."""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from casework.cases.choices import PaperKind
from casework.cases.models import Pathway
from casework.cases.traineeship.selectors import training_terms
from casework.money.choices import COMMITTED_VOUCHER_STATUSES, VoucherKind
from casework.money.euro import format_euro
from casework.money.models import Voucher

EMPTY = "—"
DEFAULT_AGENCY_NAME = "Agenzia accreditata per i servizi al lavoro"

# Name -> what it holds, in the order the upload page lists them.
COMMON_PLACEHOLDERS = {
    "titolo": gettext_lazy("Titolo del documento"),
    "versione": gettext_lazy("Numero di versione del documento"),
    "data_documento": gettext_lazy("Data di preparazione (gg/mm/aaaa)"),
    "agenzia": gettext_lazy("Agenzia accreditata"),
    "persona_nome": gettext_lazy("Nome della persona"),
    "persona_cognome": gettext_lazy("Cognome della persona"),
    "persona_codice_fiscale": gettext_lazy("Codice fiscale della persona"),
    "persona_data_nascita": gettext_lazy("Data di nascita della persona"),
    "comune": gettext_lazy("Comune inviante"),
    "protocollo": gettext_lazy("Protocollo della segnalazione"),
    "tipologia": gettext_lazy("Tipologia di percorso"),
    "obiettivi": gettext_lazy("Obiettivi del percorso"),
    "ente_nome": gettext_lazy("Ente ospitante: denominazione"),
    "ente_indirizzo": gettext_lazy("Ente ospitante: indirizzo"),
    "ente_comune": gettext_lazy("Ente ospitante: Comune"),
    "ente_referente": gettext_lazy("Ente ospitante: referente"),
    "posizione": gettext_lazy("Posizione (titolo)"),
    "posizione_mansioni": gettext_lazy("Posizione: mansioni"),
    "data_inizio": gettext_lazy("Data di avvio (gg/mm/aaaa)"),
    "data_fine_prevista": gettext_lazy("Data di fine prevista (gg/mm/aaaa)"),
    "ore_settimanali": gettext_lazy("Ore settimanali"),
    "tutor": gettext_lazy("Tutor (operatore dell'agenzia)"),
}
KIND_PLACEHOLDERS = {
    PaperKind.INDIVIDUAL_PROJECT: {
        "attivita": gettext_lazy(
            "Elenco delle attività del percorso; per ciascuna: item.nome, item.svolta_il"
        ),
        "ore_tutoraggio_previste": gettext_lazy("Ore di tutoraggio previste (voucher approvati)"),
        "voucher": gettext_lazy(
            "Elenco dei voucher approvati; per ciascuno: item.voce, item.quantita, item.lordo"
        ),
        "voucher_totale_lordo": gettext_lazy("Totale lordo dei voucher approvati"),
    },
    PaperKind.AGREEMENT: {
        "obblighi_ente": gettext_lazy("Elenco degli obblighi dell'ente ospitante (testo)"),
        "obblighi_agenzia": gettext_lazy("Elenco degli obblighi dell'agenzia (testo)"),
        "obblighi_persona": gettext_lazy("Elenco degli obblighi della persona (testo)"),
    },
    PaperKind.TRAINING_PROJECT: {
        "attivita": gettext_lazy(
            "Elenco delle attività del percorso; per ciascuna: item.nome, item.svolta_il"
        ),
        "ore_tutoraggio_previste": gettext_lazy("Ore di tutoraggio previste (voucher approvati)"),
        "indennita_mensile": gettext_lazy("Indennità mensile di partecipazione"),
        "frequenza_minima": gettext_lazy("Frequenza minima per l'indennità (percentuale)"),
        "durata_massima_mesi": gettext_lazy("Durata massima del tirocinio (mesi)"),
        "riferimento_normativo": gettext_lazy("Norma regionale di riferimento"),
    },
}

TITLES = {
    PaperKind.INDIVIDUAL_PROJECT: gettext_lazy("Progetto individuale"),
    PaperKind.AGREEMENT: gettext_lazy("Convenzione con l'ente ospitante"),
    PaperKind.TRAINING_PROJECT: gettext_lazy("Progetto formativo individuale"),
}

HOST_OBLIGATIONS = (
    gettext_lazy("accogliere la persona nella posizione indicata, negli orari concordati;"),
    gettext_lazy("garantire la sicurezza del luogo di lavoro e la formazione obbligatoria;"),
    gettext_lazy("indicare un referente interno che segua la persona;"),
    gettext_lazy("comunicare subito all'agenzia assenze, interruzioni e infortuni;"),
    gettext_lazy("partecipare agli incontri di verifica."),
)
AGENCY_OBLIGATIONS = (
    gettext_lazy("garantire il tutoraggio e il monitoraggio previsti dal progetto;"),
    gettext_lazy("curare le comunicazioni obbligatorie e le coperture assicurative;"),
    gettext_lazy("raccogliere i fogli ore e riferire al Comune e al responsabile del programma."),
)
PERSON_OBLIGATIONS = (
    gettext_lazy("svolgere le attività previste dal progetto individuale;"),
    gettext_lazy("rispettare orari, regolamenti e norme di sicurezza dell'ente;"),
    gettext_lazy("avvisare l'ente e l'agenzia di ogni assenza."),
)


def placeholders_for(kind):
    """Name -> description of the placeholders a template of ``kind`` may use."""
    return {**COMMON_PLACEHOLDERS, **KIND_PLACEHOLDERS[kind]}


def applicable_kinds(pathway):
    """The papers a pathway has: the training project only for a tirocinio."""
    kinds = [PaperKind.INDIVIDUAL_PROJECT, PaperKind.AGREEMENT]
    if pathway.pathway_type == "tirocinio":
        kinds.append(PaperKind.TRAINING_PROJECT)
    return kinds


def italian_date(value):
    return value.strftime("%d/%m/%Y") if value else EMPTY


def italian_number(value):
    """``Decimal("20.5")`` -> ``"20,5"``; ``Decimal("20.0")`` -> ``"20"``."""
    if value is None:
        return EMPTY
    value = Decimal(value).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


def _text(value):
    return str(value) if value not in (None, "") else EMPTY


def _full_name(user):
    if user is None:
        return EMPTY
    return user.get_full_name() or EMPTY


def pathway_for_paper(pathway):
    """The pathway with everything its papers name, in one query."""
    return Pathway.objects.select_related(
        "referral__beneficiary", "comune", "host__comune", "position", "operator"
    ).get(pk=pathway.pk)


def paper_context(pathway, kind, *, version=1, on=None):
    """The placeholders of ``kind`` for ``pathway`` (as ``pathway_for_paper`` reads it): three
    queries (pathway, activities, approved vouchers), plus the traineeship rules for a training
    project."""
    person = pathway.referral.beneficiary
    host = pathway.host
    position = pathway.position
    on = on or timezone.localdate()
    context = {
        "titolo": str(TITLES[kind]),
        "versione": str(version),
        "data_documento": italian_date(on),
        "agenzia": getattr(settings, "ZO_AGENCY_NAME", "") or DEFAULT_AGENCY_NAME,
        "persona_nome": person.first_name,
        "persona_cognome": person.last_name,
        "persona_codice_fiscale": person.tax_code,
        "persona_data_nascita": italian_date(person.birth_date),
        "comune": pathway.comune.name,
        "protocollo": pathway.referral.protocol,
        "tipologia": str(pathway.get_pathway_type_display()),
        "obiettivi": _text(pathway.objectives),
        "ente_nome": host.name if host else EMPTY,
        "ente_indirizzo": _text(host.address) if host else EMPTY,
        "ente_comune": host.comune.name if host else EMPTY,
        "ente_referente": _text(host.contact_person) if host else EMPTY,
        "posizione": position.title if position else EMPTY,
        "posizione_mansioni": _text(position.tasks) if position else EMPTY,
        "data_inizio": italian_date(pathway.activated_on),
        "data_fine_prevista": italian_date(pathway.planned_end_on),
        "ore_settimanali": italian_number(pathway.hours_per_week),
        "tutor": _full_name(pathway.operator),
    }
    if kind in (PaperKind.INDIVIDUAL_PROJECT, PaperKind.TRAINING_PROJECT):
        context["attivita"] = [
            {"nome": str(item.get_activity_display()), "svolta_il": italian_date(item.done_on)}
            for item in pathway.activities.order_by("pk")
        ]
        vouchers = list(
            Voucher.objects.filter(pathway=pathway, status__in=COMMITTED_VOUCHER_STATUSES).order_by(
                "created_at", "pk"
            )
        )
        tutoring = sum(
            (v.quantity for v in vouchers if v.kind == VoucherKind.TUTORING_HOUR), Decimal(0)
        )
        context["ore_tutoraggio_previste"] = italian_number(tutoring)
        if kind == PaperKind.INDIVIDUAL_PROJECT:
            context["voucher"] = [
                {
                    "voce": str(v.get_kind_display()),
                    "quantita": italian_number(v.quantity),
                    "lordo": format_euro(v.gross),
                }
                for v in vouchers
            ]
            context["voucher_totale_lordo"] = format_euro(sum((v.gross for v in vouchers), 0))
    if kind == PaperKind.AGREEMENT:
        context["obblighi_ente"] = [str(text) for text in HOST_OBLIGATIONS]
        context["obblighi_agenzia"] = [str(text) for text in AGENCY_OBLIGATIONS]
        context["obblighi_persona"] = [str(text) for text in PERSON_OBLIGATIONS]
    if kind == PaperKind.TRAINING_PROJECT:
        terms = training_terms(pathway)
        context["indennita_mensile"] = format_euro(terms["monthly_allowance"])
        context["frequenza_minima"] = f"{terms['min_attendance_percent']}%"
        context["durata_massima_mesi"] = str(terms["max_months"])
        context["riferimento_normativo"] = str(terms["rule_reference"])
    return context
