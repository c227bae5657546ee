"""The programme's public content, in plain Italian for citizens. Used by ``load_demo`` to build
the page tree on a fresh install; editors change it in Wagtail afterwards."""

from wagtail.models import Page, Site

from .models import HomePage, StandardPage

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

PAGES = [
    (
        "per-gli-enti",
        "Per gli enti ospitanti",
        "Associazioni, cooperative, enti pubblici e aziende possono offrire una postazione.",
        [
            (
                "paragraph",
                "<p>Il programma funziona grazie agli enti del territorio che accolgono le persone "
                "in percorso. Un ente può registrarsi e proporre una o più postazioni con il "
                "modulo online: il personale del programma verifica la richiesta e la pubblica "
                "nell'elenco della rete.</p>",
            ),
            (
                "paragraph",
                "<p>Le postazioni dei Comuni sono messe a disposizione principalmente dei "
                "residenti del Comune stesso.</p>",
            ),
        ],
    ),
    (
        "privacy",
        "Informativa sulla privacy",
        "Come trattiamo i dati delle persone e degli enti.",
        [
            (
                "paragraph",
                "<p>I dati delle persone segnalate sono trattati dal servizio sociale del Comune, "
                "dall'agenzia per il lavoro e dal responsabile del programma solo per gestire il "
                "percorso, e non compaiono mai sulle pagine pubbliche. Per esercitare i propri "
                "diritti ci si può rivolgere al servizio sociale del proprio Comune.</p>",
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
        if not home.get_children().filter(slug=slug).exists():
            home.add_child(
                instance=StandardPage(
                    title=title,
                    slug=slug,
                    intro=intro,
                    body=_stream(body),
                    show_in_menus=slug != "privacy",
                )
            )
            created += 1
    return created
