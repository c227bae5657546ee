"""The programme's public content, in plain Italian for citizens. Used by ``load_demo`` to build
the page tree on a fresh install; editors change it in Wagtail afterwards."""

from wagtail.models import Page, Site

from .models import HandbookPage, HomePage, StandardPage

AGENCY_DESK = {
    "name": "Sportello ZeroOttanta – Agenzia per il lavoro accreditata",
    "address": "Via Matteotti 299, 25063 Gardone Val Trompia (BS)",
    "hours": "Martedì e giovedì 9:00–12:30, su appuntamento",
    "phone": "030 000 0000",
    "email": "sportello@zeroottanta.it",
}

HOME_INTRO = (
    "<p><b>ZeroOttanta</b> è il programma dei 18 Comuni della Valle Trompia contro la "
    "disoccupazione: aiuta chi è senza lavoro a ripartire con un percorso costruito su misura, "
    "insieme al servizio sociale del proprio Comune e a un'agenzia per il lavoro accreditata.</p>"
)

HOME_BODY = [
    ("heading", "Che cos'è ZeroOttanta"),
    (
        "paragraph",
        "<p>Ogni Comune della Valle Trompia mette a disposizione un budget per le persone "
        "residenti che hanno perso il lavoro o non l'hanno mai avuto. Il servizio sociale "
        "comunale segnala la persona all'agenzia per il lavoro, che la incontra, concorda con "
        "lei un percorso e cerca un ente del territorio disposto ad accoglierla: "
        "un'associazione, un ente pubblico, una cooperativa sociale o un'azienda.</p>",
    ),
    ("heading", "Chi può accedere"),
    (
        "paragraph",
        "<p>Le persone <b>residenti in uno dei 18 Comuni</b> della Valle Trompia, "
        "<b>disoccupate o inoccupate</b> e in cerca di lavoro, in particolare:</p><ul>"
        "<li>lavoratori svantaggiati secondo il Decreto del Ministero del Lavoro del 20/03/2013;</li>"
        "<li>persone che per difficoltà personali faticano a trovare lavoro da sole, senza rientrare "
        "nelle categorie della Legge 381/91 o della Legge 68/99 (per queste c'è il servizio SIL);</li>"
        "<li>giovani disoccupati o inoccupati che cercano la prima esperienza di lavoro.</li></ul>",
    ),
    ("heading", "I quattro tipi di percorso"),
    (
        "cards",
        [
            {
                "title": "Assistenziale",
                "text": "Per chi ha poche risorse lavorative e ha bisogno prima di tutto di un "
                "sostegno al reddito: mansioni semplici presso associazioni, enti pubblici e "
                "cooperative della rete.",
            },
            {
                "title": "Tirocinio",
                "text": "Per chi vive un momento difficile ma può svolgere mansioni di media "
                "complessità: un tirocinio accompagnato da un tutor che aiuta a far emergere le "
                "competenze.",
            },
            {
                "title": "Inserimento lavorativo",
                "text": "Per chi è pronto a lavorare subito con un contratto di assunzione, presso "
                "aziende profit o del privato sociale.",
            },
            {
                "title": "Progetto personalizzato",
                "text": "Per situazioni particolari, per esempio a pochi anni dalla pensione o a "
                "pochi mesi dall'indennità di disoccupazione: un percorso deciso caso per caso.",
            },
        ],
    ),
    ("heading", "Come si accede"),
    (
        "steps",
        [
            "Si parla con il servizio sociale del proprio Comune di residenza: è lui che segnala "
            "la persona al programma. Non serve presentare domanda all'agenzia.",
            "Entro 15 giorni dalla segnalazione l'agenzia per il lavoro fissa un primo colloquio "
            "allo sportello.",
            "Insieme si definisce il percorso più adatto; l'équipe congiunta (agenzia, Comune e "
            "responsabile del programma) lo approva.",
            "Entro 15 giorni dalla presa in carico il percorso parte presso un ente del "
            "territorio, con un tutor quando è previsto.",
            "Anche dopo la fine del percorso l'agenzia resta in contatto per aiutare nella "
            "ricerca del lavoro.",
        ],
    ),
    (
        "callout",
        {
            "title": "Il percorso è gratuito per la persona",
            "text": "<p>I costi del percorso sono sostenuti dal Comune di residenza attraverso un "
            "voucher sociale.</p>",
        },
    ),
    ("heading", "Lo sportello dell'agenzia"),
    ("contact", AGENCY_DESK),
    ("heading", "I Comuni aderenti"),
    ("comuni_list", None),
]

REGISTRATION_PATH = "/offri-una-postazione/"
PRIVACY_SLUG = "privacy"
ACCESSIBILITY_SLUG = "accessibilita"
HANDBOOK_SLUG = "manuale"
FEEDBACK_EMAIL = "accessibilita@zeroottanta.it"
DPO_EMAIL = "dpo@comune.gardonevaltrompia.bs.it"
AGID_FORM_URL = "https://form.agid.gov.it"
AGID_PROCEDURE_URL = "https://www.agid.gov.it/it/design-servizi/accessibilita/procedura-attuazione"
GARANTE_URL = "https://www.garanteprivacy.it"

HOSTS_BODY = [
    (
        "paragraph",
        "<p>Il programma funziona grazie agli enti del territorio che accolgono le persone "
        "in percorso. Un ente può registrarsi e proporre una o più postazioni con il "
        "modulo online: il personale del programma verifica la richiesta e la pubblica "
        "nell'elenco della rete.</p>",
    ),
    (
        "paragraph",
        f'<p><a href="{REGISTRATION_PATH}">Compilate il modulo per offrire una postazione</a>: '
        "servono la denominazione e il codice fiscale dell'ente, un referente con la sua email "
        "e, per ogni postazione, le mansioni, le ore settimanali e i posti offerti.</p>",
    ),
    (
        "paragraph",
        "<p>Le postazioni dei Comuni sono messe a disposizione principalmente dei "
        "residenti del Comune stesso.</p>",
    ),
]

PRIVACY_BODY = [
    (
        "paragraph",
        "<p>Questa informativa è resa ai sensi dell'articolo 13 del Regolamento (UE) 2016/679 "
        "(GDPR) a chi usa il sito di ZeroOttanta, agli enti che si registrano con il modulo "
        "online e ai loro referenti. I dati delle persone segnalate al programma non compaiono "
        "mai sulle pagine pubbliche.</p>",
    ),
    ("heading", "Titolare del trattamento"),
    (
        "paragraph",
        "<p>Titolare del trattamento è il Comune di Gardone Val Trompia, capofila della "
        "convenzione tra i 18 Comuni della Valle Trompia per il programma ZeroOttanta, "
        "Via Mazzini 2, 25063 Gardone Val Trompia (BS), "
        '<a href="mailto:protocollo@comune.gardonevaltrompia.bs.it">'
        "protocollo@comune.gardonevaltrompia.bs.it</a>. Ogni Comune aderente è titolare dei "
        "dati delle persone residenti che segnala al programma.</p>",
    ),
    ("heading", "Responsabile della protezione dei dati (DPO)"),
    (
        "paragraph",
        "<p>Il responsabile della protezione dei dati del Comune capofila si può contattare "
        f"all'indirizzo <a href=\"mailto:{DPO_EMAIL}\">{DPO_EMAIL}</a> o per posta all'indirizzo "
        "del titolare, all'attenzione del DPO.</p>",
    ),
    ("heading", "Finalità e base giuridica"),
    (
        "paragraph",
        "<ul><li><b>Registrazione degli enti ospitanti</b>: i dati del modulo (denominazione, "
        "codice fiscale, indirizzo, referente, email, telefono, postazioni) servono a "
        "verificare la richiesta, rispondere all'ente e gestire la rete; base giuridica è "
        "l'esecuzione di un compito di interesse pubblico (art. 6, par. 1, lett. e GDPR) e di "
        "misure richieste dall'ente (lett. b).</li>"
        "<li><b>Pubblicazione nell'elenco della rete</b>: denominazione, tipologia, Comune, "
        "descrizione e postazioni; email e telefono solo con il consenso dell'ente (lett. a), "
        "revocabile in qualsiasi momento.</li>"
        "<li><b>Sicurezza del sito</b>: indirizzo IP e dati tecnici di navigazione, per "
        "prevenire abusi del modulo; base giuridica è il compito di interesse pubblico e "
        "l'obbligo di sicurezza (art. 32 GDPR).</li></ul>",
    ),
    ("heading", "Destinatari"),
    (
        "paragraph",
        "<p>I dati sono trattati dal personale autorizzato dei Comuni aderenti, dell'agenzia per "
        "il lavoro accreditata che gestisce lo sportello (responsabile del trattamento ai sensi "
        "dell'art. 28 GDPR) e del fornitore che ospita il sito, anch'esso responsabile del "
        "trattamento. Non sono ceduti a terzi né usati per fini commerciali.</p>",
    ),
    ("heading", "Trasferimenti fuori dall'Unione europea"),
    (
        "paragraph",
        "<p>I dati sono conservati su server situati nell'Unione europea e non sono trasferiti "
        "verso paesi terzi o organizzazioni internazionali.</p>",
    ),
    ("heading", "Conservazione"),
    (
        "paragraph",
        "<p>I dati degli enti sono conservati finché l'ente fa parte della rete e per i dieci "
        "anni successivi, come richiesto dalla conservazione degli atti amministrativi; una "
        "richiesta respinta è cancellata dopo un anno. I dati tecnici di navigazione sono "
        "cancellati entro trenta giorni.</p>",
    ),
    ("heading", "Diritti dell'interessato"),
    (
        "paragraph",
        "<p>Chi è interessato può chiedere in ogni momento l'accesso ai propri dati, la "
        "rettifica, la cancellazione, la limitazione del trattamento, l'opposizione al "
        "trattamento (articoli 15–22 GDPR) e revocare il consenso alla pubblicazione dei "
        "contatti, senza effetto sul trattamento già avvenuto. Le richieste si inviano al "
        "titolare o al DPO agli indirizzi indicati sopra; le persone in percorso possono "
        "rivolgersi anche al servizio sociale del proprio Comune.</p>",
    ),
    ("heading", "Reclamo al Garante"),
    (
        "paragraph",
        "<p>Chi ritiene che il trattamento violi il GDPR può proporre reclamo al Garante per la "
        f'protezione dei dati personali (<a href="{GARANTE_URL}">www.garanteprivacy.it</a>), '
        "Piazza Venezia 11, 00187 Roma, o ricorrere all'autorità giudiziaria.</p>",
    ),
    ("heading", "Obbligatorietà del conferimento"),
    (
        "paragraph",
        "<p>I campi segnati come obbligatori nel modulo sono necessari per esaminare la "
        "richiesta: senza di essi l'ente non può essere registrato. Gli altri dati, come il "
        "telefono e il consenso a pubblicare i contatti, sono facoltativi. Non si prendono "
        "decisioni automatizzate né si fa profilazione.</p>",
    ),
]

ACCESSIBILITY_BODY = [
    (
        "paragraph",
        "<p>Il Comune di Gardone Val Trompia, capofila del programma ZeroOttanta, si impegna a "
        "rendere il proprio sito web accessibile, conformemente alla legge 9 gennaio 2004, "
        "n. 4. La presente dichiarazione di accessibilità si applica al sito pubblico di "
        "ZeroOttanta: pagine informative, elenco della rete degli enti e modulo di "
        "registrazione.</p>",
    ),
    ("heading", "Stato di conformità"),
    (
        "paragraph",
        "<p>Questo sito web è <b>parzialmente conforme</b> ai requisiti previsti dall'allegato A "
        "alla norma UNI CEI EN 301549 (WCAG 2.1, livello AA), in ragione dei casi di non "
        "conformità elencati di seguito.</p>",
    ),
    ("heading", "Contenuti non accessibili"),
    (
        "paragraph",
        "<p>I contenuti elencati di seguito non sono accessibili per inosservanza della legge "
        "4/2004:</p><ul>"
        "<li>i documenti PDF allegati alle pagine informative, quando presenti, possono non "
        "avere la struttura dei titoli leggibile dai lettori di schermo;</li>"
        "<li>l'area riservata agli operatori usa l'interfaccia del sistema di gestione dei "
        "contenuti e non è stata ancora verificata in ogni sua schermata.</li></ul>"
        "<p>Non ci sono contenuti esclusi per onere sproporzionato.</p>",
    ),
    ("heading", "Redazione della dichiarazione di accessibilità"),
    (
        "paragraph",
        "<p>La dichiarazione è stata redatta il 03/12/2026 sulla base di un'autovalutazione "
        "effettuata dal titolare con il modello di AgID, con verifiche manuali da tastiera e con "
        "lettore di schermo e verifiche automatiche delle pagine. Viene riesaminata ogni anno "
        f'entro il 23 settembre e pubblicata anche su <a href="{AGID_FORM_URL}">'
        "form.agid.gov.it</a>.</p>",
    ),
    ("heading", "Meccanismo di feedback e recapiti"),
    (
        "paragraph",
        "<p>Chi incontra una difficoltà nell'usare il sito, o trova un contenuto non accessibile, "
        f'può segnalarlo scrivendo a <a href="mailto:{FEEDBACK_EMAIL}">{FEEDBACK_EMAIL}</a>, '
        "indicando la pagina e il problema riscontrato. Il Comune risponde entro 30 giorni e, "
        "se la richiesta riguarda un'informazione, la fornisce in un formato accessibile.</p>",
    ),
    ("heading", "Procedura di attuazione"),
    (
        "paragraph",
        "<p>In caso di risposta insoddisfacente o di mancata risposta entro 30 giorni dalla "
        "segnalazione, si può ricorrere al Difensore civico per il digitale istituito presso "
        "AgID (articolo 3-quinquies della legge 4/2004) con la "
        f'<a href="{AGID_PROCEDURE_URL}">procedura di attuazione</a>.</p>',
    ),
    ("heading", "Informazioni sul sito"),
    (
        "paragraph",
        "<p>Il sito è stato pubblicato nel 2026 ed è realizzato con il sistema di gestione dei "
        "contenuti Wagtail. Le pagine pubbliche seguono le linee guida di design per i siti "
        "della pubblica amministrazione (Designers Italia).</p>",
    ),
]

PAGES = [
    (
        "per-gli-enti",
        "Per gli enti ospitanti",
        "Associazioni, cooperative, enti pubblici e aziende possono offrire una postazione.",
        HOSTS_BODY,
    ),
    (
        PRIVACY_SLUG,
        "Informativa sulla privacy",
        "Come trattiamo i dati delle persone e degli enti.",
        PRIVACY_BODY,
    ),
    (
        ACCESSIBILITY_SLUG,
        "Dichiarazione di accessibilità",
        "Lo stato di accessibilità del sito e come segnalarci un problema.",
        ACCESSIBILITY_BODY,
    ),
]
# Pages shown in the public menu; the others are linked from the footer and the forms.
MENU_SLUGS = {"per-gli-enti"}

# A text each page's current body holds: a page an earlier install created without it, and
# never edited since (no revision), gets the current body; an edited page is left alone.
UPGRADE_MARKERS = {"per-gli-enti": REGISTRATION_PATH, PRIVACY_SLUG: "Titolare del trattamento"}

HANDBOOK_TITLE = "Manuale di ZeroOttanta"
HANDBOOK_INTRO = (
    "Una pagina per ruolo: che cosa si fa ogni giorno con ZeroOttanta e dove lo si trova "
    "nell'area riservata."
)
HANDBOOK_PAGES = [
    (
        "assistente-sociale",
        "Assistente sociale",
        "Segnalare le persone del proprio Comune e seguirne il percorso.",
        [
            ("heading", "La giornata"),
            (
                "steps",
                [
                    "La pagina iniziale dell'area riservata mostra le segnalazioni e i percorsi del "
                    "proprio Comune che chiedono un'azione.",
                    "Per segnalare una persona: «Casi» › «Segnalazioni» › «Nuova "
                    "segnalazione». Si cerca prima il codice fiscale: se la persona è già nota "
                    "i suoi dati si ritrovano, altrimenti si compilano.",
                    "Le date si scrivono gg/mm/aaaa, per esempio 15/11/2026.",
                    "Un clic su una persona apre la sua scheda: la linea del tempo, dalla voce "
                    "più recente, mostra segnalazioni, colloqui, percorso, voucher e scadenze.",
                    "Se la persona cambia residenza o rinuncia, lo si registra dalla scheda della "
                    "segnalazione con il pulsante corrispondente.",
                ],
            ),
            (
                "callout",
                {
                    "title": "Che cosa si vede",
                    "text": "<p>Solo le persone dei Comuni assegnati al proprio profilo. Ogni "
                    "apertura di una scheda è registrata.</p>",
                },
            ),
        ],
    ),
    (
        "operatore-agenzia",
        "Operatore dell'agenzia",
        "Prendere in carico, costruire il percorso, collocare, seguire ore e tutoraggio.",
        [
            ("heading", "La giornata"),
            (
                "steps",
                [
                    "La pagina iniziale elenca le segnalazioni da prendere in carico entro "
                    "15 giorni e i percorsi da attivare.",
                    "Dalla scheda della segnalazione: «Prendi in carico», poi il colloquio e la "
                    "definizione del percorso (assistenziale, tirocinio, inserimento lavorativo o "
                    "progetto personalizzato).",
                    "Dalla pagina del percorso, l'abbinamento propone le postazioni degli enti approvati con posti liberi, "
                    "ordinate per vicinanza e ore compatibili con la disponibilità della persona; "
                    "«Colloca qui» chiede conferma prima di occupare il posto.",
                    "Dopo l'attivazione si registrano le ore di tutoraggio e i fogli presenza "
                    "dalla pagina del percorso; si correggono dalla stessa pagina.",
                    "Alla fine del percorso si registrano la conclusione e i contatti di "
                    "follow-up.",
                ],
            ),
        ],
    ),
    (
        "responsabile-programma",
        "Responsabile del programma",
        "Équipe, budget dei Comuni, approvazione degli enti e relazioni periodiche.",
        [
            ("heading", "La giornata"),
            (
                "steps",
                [
                    "«Rete enti» › «Richieste da verificare»: si approvano, respingono o "
                    "sospendono gli enti e le postazioni arrivati dal modulo pubblico.",
                    "In «Casi» › «Équipe congiunte» si decidono i voucher uno per uno; «Approva tutti quelli che "
                    "rientrano nel budget» approva quelli coperti e mostra in cima quelli che "
                    "non rientrano.",
                    "«Budget e voucher» › «Situazione budget» mostra per ogni Comune quanto è "
                    "stanziato, impegnato e speso.",
                    "«Report» prepara la relazione trimestrale: si scrive il periodo, per "
                    "esempio dal 01/10/2026 al 31/12/2026, e il file arriva tra i documenti.",
                    "Il «Registro accessi» mostra chi ha aperto la scheda di una persona.",
                ],
            ),
        ],
    ),
    (
        "ente-ospitante",
        "Ente ospitante",
        "Offrire una postazione e accogliere una persona in percorso.",
        [
            ("heading", "Come si partecipa"),
            (
                "steps",
                [
                    f"Si compila il modulo pubblico «Offri una postazione» ({REGISTRATION_PATH}): "
                    "l'ente, un referente e una o più postazioni.",
                    "Il personale del programma verifica la richiesta e risponde via email; "
                    "solo dopo l'approvazione l'ente compare nell'elenco della rete.",
                    "Quando l'agenzia propone una persona, il referente la incontra con il "
                    "tutor e concorda l'avvio.",
                    "Durante il percorso l'ente firma il foglio presenza mensile e segnala "
                    "all'agenzia assenze o difficoltà.",
                    "Per cambiare i dati o chiudere una postazione si scrive allo sportello: "
                    "sportello@zeroottanta.it.",
                ],
            ),
        ],
    ),
]


def _stream(items):
    return [(kind, value) for kind, value in items]


def build_page_tree():
    """Create the home page and content pages if missing; return how many pages were created."""
    created = 0
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="ZeroOttanta",
            slug="zeroottanta",
            seo_title="ZeroOttanta – lavoro e inclusione in Valle Trompia",
            intro=HOME_INTRO,
            body=_stream(HOME_BODY),
        )
        root.add_child(instance=home)
        created += 1
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="ZeroOttanta",
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "ZeroOttanta"
        site.save()
        # Wagtail's placeholder "Welcome" page is of no use once the real home page exists.
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    for slug, title, intro, body in PAGES:
        existing = home.get_children().filter(slug=slug).specific().first()
        if existing is None:
            home.add_child(
                instance=StandardPage(
                    title=title,
                    slug=slug,
                    intro=intro,
                    body=_stream(body),
                    show_in_menus=slug in MENU_SLUGS,
                )
            )
            created += 1
        else:
            _upgrade(existing, slug, body)
    created += _build_handbook(home)
    return created


def _upgrade(page, slug, body):
    """Give a page an earlier install created, never edited since, its current body."""
    marker = UPGRADE_MARKERS.get(slug)
    if marker is None or not isinstance(page, StandardPage) or page.revisions.exists():
        return
    if marker not in str(page.body.raw_data):
        page.body = _stream(body)
        page.save()


def _build_handbook(home):
    created = 0
    handbook = HandbookPage.objects.first()
    if handbook is None:
        handbook = HandbookPage(title=HANDBOOK_TITLE, slug=HANDBOOK_SLUG, intro=HANDBOOK_INTRO)
        home.add_child(instance=handbook)
        created += 1
    for slug, title, intro, body in HANDBOOK_PAGES:
        if not handbook.get_children().filter(slug=slug).exists():
            handbook.add_child(
                instance=StandardPage(title=title, slug=slug, intro=intro, body=_stream(body))
            )
            created += 1
    return created
