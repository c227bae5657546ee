"""Demo network: the directory and registration pages, about thirty organisations of every kind
spread over the Comuni and sixty positions. Idempotent: organisations are keyed by tax code,
positions by organisation and title, pages by slug."""

import datetime

from wagtail.models import Page, Site

from .choices import Complexity, OrganisationKind, OrganisationStatus, PositionStatus
from .codice_fiscale import vat_number_check_digit
from .models import (
    Comune,
    DirectoryPage,
    HostOrganisation,
    PathwayTypeOption,
    Position,
    RegistrationPage,
)

DIRECTORY_SLUG = "rete-enti"
REGISTRATION_SLUG = "offri-una-postazione"

DIRECTORY_INTRO = (
    "<p>Associazioni, enti pubblici, cooperative sociali e aziende della Valle Trompia che "
    "accolgono le persone in percorso con ZeroOttanta. L'elenco mostra solo gli enti verificati "
    "dal personale del programma e le posizioni oggi aperte.</p>"
)
REGISTRATION_INTRO = (
    "<p>Il vostro ente può offrire una o più postazioni a chi è in percorso con ZeroOttanta. "
    "Compilate il modulo: il personale del programma verifica la richiesta e vi risponde via "
    "email. Nulla viene pubblicato prima della verifica.</p>"
)
PRIVACY_TEXT = (
    "<p>I dati inviati sono trattati dai Comuni della Valle Trompia e dall'agenzia per il lavoro "
    "solo per gestire la rete degli enti ospitanti. Nell'elenco pubblico compaiono soltanto la "
    "denominazione, la tipologia, il Comune, la descrizione e le posizioni; email e telefono "
    "solo se l'ente lo consente.</p>"
)

# name, kind, Comune (ISTAT), description
ORGANISATIONS = [
    (
        "Associazione Volontari Valtrompia",
        "associazione",
        "017075",
        "Trasporto sociale e accompagnamento di anziani.",
    ),
    ("Pro Loco Lumezzane", "associazione", "017096", "Eventi e promozione del territorio."),
    (
        "Biblioteca Comunale di Sarezzo",
        "ente_pubblico",
        "017174",
        "Prestito, sala studio e attività per ragazzi.",
    ),
    (
        "Comune di Concesio – Servizi tecnici",
        "ente_pubblico",
        "017061",
        "Manutenzione del verde e degli stabili comunali.",
    ),
    ("Cooperativa Sociale Il Mosaico", "coop_a", "017199", "Servizi educativi e assistenziali."),
    (
        "Cooperativa Sociale La Fonte",
        "coop_b",
        "017117",
        "Inserimento lavorativo: pulizie e manutenzioni.",
    ),
    ("Officine Meccaniche Mella", "impresa", "017104", "Lavorazioni meccaniche di precisione."),
    ("Fondazione Casa di Riposo Gardone", "altro", "017075", "Residenza sanitaria assistenziale."),
    (
        "Associazione Sportiva Valle Trompia",
        "associazione",
        "017025",
        "Impianti sportivi e corsi per ragazzi.",
    ),
    ("Comune di Nave – Ufficio anagrafe", "ente_pubblico", "017117", "Sportello al cittadino."),
    ("Cooperativa Sociale Arcobaleno", "coop_b", "017096", "Raccolta differenziata e logistica."),
    ("Panificio Bertoli", "impresa", "017174", "Panificio artigianale."),
    (
        "Associazione Amici del Parco",
        "associazione",
        "017058",
        "Cura dei sentieri e del patrimonio naturale.",
    ),
    ("Comune di Bovegno", "ente_pubblico", "017024", "Servizi comunali e manutenzioni."),
    (
        "Cooperativa Sociale Il Sorriso",
        "coop_a",
        "017031",
        "Centro diurno per persone con disabilità.",
    ),
    ("Ferramenta Valtrompia", "impresa", "017199", "Commercio al dettaglio."),
    ("Oratorio San Giovanni", "altro", "017141", "Attività educative e ricreative."),
    (
        "Associazione Banco Alimentare Valle",
        "associazione",
        "017061",
        "Raccolta e distribuzione di alimenti.",
    ),
    (
        "Comune di Marcheno – Biblioteca",
        "ente_pubblico",
        "017104",
        "Biblioteca e archivio storico.",
    ),
    (
        "Cooperativa Sociale Nuovi Orizzonti",
        "coop_b",
        "017075",
        "Legatoria e assemblaggi conto terzi.",
    ),
    ("Agriturismo La Pieve", "impresa", "017090", "Ristorazione e agricoltura."),
    ("Associazione Anziani Attivi", "associazione", "017144", "Centro sociale per anziani."),
    ("Comune di Lodrino", "ente_pubblico", "017090", "Servizi comunali."),
    (
        "Cooperativa Sociale Tempo Libero",
        "coop_a",
        "017030",
        "Animazione e assistenza domiciliare.",
    ),
    ("Carpenteria Brione", "impresa", "017030", "Carpenteria metallica."),
    ("Parrocchia di Irma", "altro", "017084", "Custodia e pulizia degli spazi parrocchiali."),
    ("Associazione Musicale Tavernole", "associazione", "017183", "Banda e scuola di musica."),
    ("Comune di Marmentino", "ente_pubblico", "017105", "Servizi comunali e cura del territorio."),
    ("Cooperativa Sociale Sentieri", "coop_b", "017025", "Manutenzione del verde pubblico."),
    ("Supermercato Valle", "impresa", "017096", "Grande distribuzione alimentare."),
    (
        "Associazione Genitori Caino",
        "associazione",
        "017031",
        "Doposcuola e attività per famiglie.",
    ),
]

# title, tasks, pathway types, complexity, hours
POSITION_TEMPLATES = {
    "associazione": [
        (
            "Addetto all'accoglienza",
            "Accoglienza del pubblico e piccole commissioni.",
            ["assistenziale"],
            "simple",
            15,
        ),
        (
            "Aiuto nell'organizzazione di eventi",
            "Allestimento, riordino, supporto ai volontari.",
            ["assistenziale", "tirocinio"],
            "medium",
            20,
        ),
    ],
    "ente_pubblico": [
        (
            "Manutenzione del verde",
            "Sfalcio, pulizia delle aree verdi, piccoli lavori.",
            ["assistenziale", "tirocinio"],
            "simple",
            20,
        ),
        (
            "Supporto amministrativo",
            "Archiviazione, inserimento dati, sportello.",
            ["tirocinio", "personalizzato"],
            "medium",
            20,
        ),
    ],
    "coop_a": [
        (
            "Assistente alle attività del centro diurno",
            "Supporto agli educatori nelle attività quotidiane.",
            ["tirocinio"],
            "medium",
            25,
        ),
        (
            "Addetto ai servizi generali",
            "Pulizie, riordino, distribuzione dei pasti.",
            ["assistenziale", "personalizzato"],
            "simple",
            18,
        ),
    ],
    "coop_b": [
        (
            "Operaio addetto alle pulizie",
            "Pulizie civili e industriali in squadra.",
            ["inserimento", "tirocinio"],
            "medium",
            30,
        ),
        (
            "Magazziniere",
            "Carico e scarico, gestione del magazzino.",
            ["inserimento"],
            "complex",
            36,
        ),
    ],
    "impresa": [
        (
            "Addetto alla produzione",
            "Lavorazioni in linea con affiancamento.",
            ["inserimento", "tirocinio"],
            "complex",
            38,
        ),
        (
            "Commesso",
            "Vendita al banco e riordino scaffali.",
            ["inserimento", "tirocinio"],
            "medium",
            30,
        ),
    ],
    "altro": [
        (
            "Custode e piccole manutenzioni",
            "Apertura e chiusura, piccoli interventi.",
            ["assistenziale", "personalizzato"],
            "simple",
            15,
        ),
        (
            "Aiuto cuoco",
            "Preparazione dei pasti e riordino della cucina.",
            ["tirocinio", "inserimento"],
            "medium",
            25,
        ),
    ],
}

# A few submissions left pending (to show the moderation queue) and one suspended.
PENDING = {"Ferramenta Valtrompia", "Associazione Genitori Caino", "Oratorio San Giovanni"}
SUSPENDED = {"Carpenteria Brione"}


def demo_vat_number(n):
    digits = f"0{n + 3100000:09d}"
    return digits + vat_number_check_digit(digits)


def _slugify_email(name):
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", text)[:24]


def build_pages():
    """The directory and the registration page under the home page, shown in menus."""
    # The site's root is the home page (built by the "Pagine pubbliche" step, order 10); found
    # through the Site so that network does not import home.
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or site.root_page.depth < 2:
        return 0
    home = site.root_page
    created = 0
    if not Page.objects.filter(slug=DIRECTORY_SLUG).child_of(home).exists():
        home.add_child(
            instance=DirectoryPage(
                title="La rete degli enti",
                slug=DIRECTORY_SLUG,
                intro=DIRECTORY_INTRO,
                show_in_menus=True,
            )
        )
        created += 1
    if not Page.objects.filter(slug=REGISTRATION_SLUG).child_of(home).exists():
        home.add_child(
            instance=RegistrationPage(
                title="Offri una postazione",
                slug=REGISTRATION_SLUG,
                intro=REGISTRATION_INTRO,
                privacy_text=PRIVACY_TEXT,
                show_in_menus=True,
            )
        )
        created += 1
    return created


def load_network(context):
    pages = build_pages()
    comuni = {comune.istat_code: comune for comune in Comune.objects.all()}
    types = {option.code: option for option in PathwayTypeOption.objects.all()}
    today = datetime.date.today()
    organisations = positions = 0
    for number, (name, kind, istat, description) in enumerate(ORGANISATIONS):
        status = OrganisationStatus.APPROVED
        if name in PENDING:
            status = OrganisationStatus.PENDING
        elif name in SUSPENDED:
            status = OrganisationStatus.SUSPENDED
        organisation, created = HostOrganisation.objects.get_or_create(
            tax_code=demo_vat_number(number),
            defaults={
                "name": name,
                "kind": kind,
                "comune": comuni[istat],
                "address": f"Via Roma {number + 1}",
                "contact_person": "Referente " + name.split()[-1],
                "email": f"{_slugify_email(name)}@example.it",
                "phone": f"030 89{number:02d} 100",
                "public_description": description,
                "publish_contacts": number % 3 != 0,
                "status": status,
                "status_reason": "Sospeso in attesa del rinnovo della convenzione."
                if status == OrganisationStatus.SUSPENDED
                else "",
                "agreement_starts_on": datetime.date(2016, 7, 1)
                if status != OrganisationStatus.PENDING
                else None,
                "agreement_ends_on": datetime.date(2017, 6, 30)
                if status != OrganisationStatus.PENDING
                else None,
            },
        )
        organisations += created
        for index, (title, tasks, codes, complexity, hours) in enumerate(POSITION_TEMPLATES[kind]):
            position_status = (
                PositionStatus.PENDING
                if status == OrganisationStatus.PENDING
                else PositionStatus.OPEN
            )
            # The Comuni's own positions go first to their residents, as the seed says.
            reserved = (
                organisation.comune
                if kind == OrganisationKind.ENTE_PUBBLICO and index == 0
                else None
            )
            position, created = Position.objects.get_or_create(
                host=organisation,
                title=title,
                defaults={
                    "tasks": tasks,
                    "complexity": Complexity(complexity),
                    "hours_per_week": hours,
                    "seats": 1 + (number + index) % 3,
                    "reserved_for_comune": reserved,
                    "available_from": today.replace(day=1),
                    "status": position_status,
                },
            )
            if created:
                position.pathway_types.set([types[code] for code in codes])
                positions += 1
    context["stdout"].write(
        f"  rete: {pages} pagine, {organisations} enti e {positions} posizioni creati "
        f"({HostOrganisation.objects.count()} enti, {Position.objects.count()} posizioni in tutto)"
    )


STEPS = [(30, "Rete degli enti ospitanti", load_network)]
