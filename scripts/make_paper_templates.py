"""Write the default Word templates of the pathway's papers (docxtpl placeholders) into
casework/papers/default_templates/. Run it after changing the texts below, and commit the files:

    .venv/bin/python scripts/make_paper_templates.py

The placeholders are documented in docs/papers.md and on the template upload page; the tests
check that every placeholder used here is a known one."""

from pathlib import Path

from docx import Document
from docx.shared import Pt

OUT = Path(__file__).resolve().parent.parent / "casework" / "papers" / "default_templates"

PERSON = [
    ("Persona", "{{ persona_cognome }} {{ persona_nome }}"),
    ("Codice fiscale", "{{ persona_codice_fiscale }}"),
    ("Data di nascita", "{{ persona_data_nascita }}"),
    ("Comune inviante", "{{ comune }} (segnalazione {{ protocollo }})"),
]
PLACEMENT = [
    ("Ente ospitante", "{{ ente_nome }}"),
    ("Indirizzo dell'ente", "{{ ente_indirizzo }} – {{ ente_comune }}"),
    ("Posizione", "{{ posizione }}"),
    ("Mansioni", "{{ posizione_mansioni }}"),
]
TIMES = [
    ("Avvio", "{{ data_inizio }}"),
    ("Fine prevista", "{{ data_fine_prevista }}"),
    ("Ore settimanali", "{{ ore_settimanali }}"),
    ("Tutor", "{{ tutor }}"),
]


def _start():
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading("{{ titolo }}", level=0)
    document.add_paragraph("{{ agenzia }} – versione {{ versione }} del {{ data_documento }}")
    return document


def _rows(document, heading, rows):
    document.add_heading(heading, level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value


def _list(document, heading, name, line):
    document.add_heading(heading, level=1)
    document.add_paragraph("{%p for item in " + name + " %}")
    document.add_paragraph(line, style="List Bullet")
    document.add_paragraph("{%p endfor %}")


def _signatures(document, parties):
    document.add_paragraph("")
    document.add_paragraph("Luogo e data: ______________________")
    for party in parties:
        document.add_paragraph(f"{party}: ______________________________")


def individual_project():
    document = _start()
    _rows(document, "Persona", PERSON)
    _rows(document, "Percorso", [("Tipologia", "{{ tipologia }}")])
    document.add_heading("Obiettivi", level=1)
    document.add_paragraph("{{ obiettivi }}")
    _rows(document, "Ente ospitante e posizione", PLACEMENT)
    _rows(
        document,
        "Tempi, orario e tutoraggio",
        [*TIMES, ("Ore di tutoraggio previste", "{{ ore_tutoraggio_previste }}")],
    )
    _list(document, "Attività del percorso", "attivita", "{{ item.nome }}")
    _list(
        document,
        "Voucher approvati",
        "voucher",
        "{{ item.voce }}: {{ item.quantita }} – {{ item.lordo }}",
    )
    document.add_paragraph("Totale lordo: {{ voucher_totale_lordo }}")
    _signatures(document, ["Per l'agenzia", "Per il servizio sociale del Comune", "La persona"])
    return document


def agreement():
    document = _start()
    document.add_paragraph(
        "Tra {{ agenzia }} e l'ente ospitante {{ ente_nome }}, {{ ente_indirizzo }} – "
        "{{ ente_comune }}, si conviene quanto segue per l'inserimento di "
        "{{ persona_nome }} {{ persona_cognome }} (codice fiscale {{ persona_codice_fiscale }}, "
        "nato/a il {{ persona_data_nascita }}), segnalato/a dal Comune di {{ comune }}."
    )
    _rows(
        document, "Ente ospitante e posizione", [*PLACEMENT, ("Referente", "{{ ente_referente }}")]
    )
    _rows(document, "Tempi e orario", TIMES)
    _list(document, "L'ente ospitante si impegna a", "obblighi_ente", "{{ item }}")
    _list(document, "L'agenzia si impegna a", "obblighi_agenzia", "{{ item }}")
    _list(document, "La persona si impegna a", "obblighi_persona", "{{ item }}")
    _signatures(document, ["Per l'agenzia", "Per l'ente ospitante", "La persona"])
    return document


def training_project():
    document = _start()
    _rows(document, "Tirocinante", PERSON)
    _rows(document, "Soggetto ospitante e posizione", PLACEMENT)
    document.add_heading("Obiettivi formativi", level=1)
    document.add_paragraph("{{ obiettivi }}")
    _rows(
        document,
        "Durata, orario e tutoraggio",
        [*TIMES, ("Ore di tutoraggio previste", "{{ ore_tutoraggio_previste }}")],
    )
    _list(document, "Attività del percorso", "attivita", "{{ item.nome }}")
    document.add_heading("Indennità e frequenza", level=1)
    document.add_paragraph("Indennità mensile di partecipazione: {{ indennita_mensile }}.")
    document.add_paragraph(
        "L'indennità spetta con una frequenza di almeno il {{ frequenza_minima }} delle ore "
        "previste nel mese."
    )
    document.add_paragraph("Durata massima del tirocinio: {{ durata_massima_mesi }} mesi.")
    document.add_paragraph("Riferimento: {{ riferimento_normativo }}.")
    _signatures(document, ["Il soggetto promotore", "Il soggetto ospitante", "Il tirocinante"])
    return document


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (
        ("individual_project", individual_project),
        ("agreement", agreement),
        ("training_project", training_project),
    ):
        path = OUT / f"{name}.docx"
        build().save(path)
        print(path)


if __name__ == "__main__":
    main()
