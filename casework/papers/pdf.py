"""A pathway's paper as a PDF (reportlab), from the same placeholders as its Word template."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from casework.cases.choices import PaperKind

from .context import EMPTY


def _rows(context, names):
    labels = {
        "persona": _("Persona"),
        "codice_fiscale": _("Codice fiscale"),
        "data_nascita": _("Data di nascita"),
        "comune": _("Comune inviante"),
        "protocollo": _("Protocollo della segnalazione"),
        "tipologia": _("Tipologia di percorso"),
        "ente": _("Ente ospitante"),
        "ente_indirizzo": _("Indirizzo dell'ente"),
        "ente_referente": _("Referente dell'ente"),
        "posizione": _("Posizione"),
        "mansioni": _("Mansioni"),
        "data_inizio": _("Avvio"),
        "data_fine_prevista": _("Fine prevista"),
        "ore_settimanali": _("Ore settimanali"),
        "tutor": _("Tutor"),
        "ore_tutoraggio_previste": _("Ore di tutoraggio previste"),
        "agenzia": _("Agenzia"),
    }
    values = {
        "persona": f"{context['persona_cognome']} {context['persona_nome']}",
        "codice_fiscale": context["persona_codice_fiscale"],
        "data_nascita": context["persona_data_nascita"],
        "ente": context["ente_nome"],
        "ente_indirizzo": f"{context['ente_indirizzo']} – {context['ente_comune']}",
        "mansioni": context["posizione_mansioni"],
        **context,
    }
    return [(labels[name], values[name]) for name in names]


def _sections(context, kind):
    """(heading, rows or paragraphs) of the paper, in reading order."""
    person = ["persona", "codice_fiscale", "data_nascita", "comune", "protocollo"]
    placement = ["ente", "ente_indirizzo", "posizione", "mansioni"]
    times = ["data_inizio", "data_fine_prevista", "ore_settimanali"]
    sections = [(_("Persona"), _rows(context, person))]
    if kind == PaperKind.AGREEMENT:
        sections.insert(0, (_("Tra"), _rows(context, ["agenzia"])))
        sections.append(
            (_("Ente ospitante e posizione"), _rows(context, [*placement, "ente_referente"]))
        )
        sections.append((_("Tempi e orario"), _rows(context, [*times, "tutor"])))
        sections.append((_("L'ente ospitante si impegna a"), context["obblighi_ente"]))
        sections.append((_("L'agenzia si impegna a"), context["obblighi_agenzia"]))
        sections.append((_("La persona si impegna a"), context["obblighi_persona"]))
        return sections
    sections.append((_("Percorso"), _rows(context, ["tipologia"])))
    sections.append((_("Obiettivi"), [context["obiettivi"]]))
    sections.append((_("Ente ospitante e posizione"), _rows(context, placement)))
    sections.append(
        (
            _("Tempi, orario e tutoraggio"),
            _rows(context, [*times, "tutor", "ore_tutoraggio_previste"]),
        )
    )
    activities = [
        _("%(name)s (svolta il %(date)s)") % {"name": a["nome"], "date": a["svolta_il"]}
        if a["svolta_il"] != EMPTY
        else a["nome"]
        for a in context["attivita"]
    ]
    sections.append((_("Attività del percorso"), activities or [_("Nessuna attività prevista.")]))
    if kind == PaperKind.INDIVIDUAL_PROJECT:
        vouchers = [f"{v['voce']}: {v['quantita']} – {v['lordo']}" for v in context["voucher"]]
        if vouchers:
            vouchers.append(
                _("Totale lordo: %(total)s") % {"total": context["voucher_totale_lordo"]}
            )
        sections.append((_("Voucher approvati"), vouchers or [_("Nessun voucher approvato.")]))
    else:
        sections.append(
            (
                _("Indennità e frequenza"),
                [
                    _("Indennità mensile di partecipazione: %(amount)s.")
                    % {"amount": context["indennita_mensile"]},
                    _(
                        "L'indennità spetta con una frequenza di almeno il %(percent)s delle ore "
                        "previste nel mese."
                    )
                    % {"percent": context["frequenza_minima"]},
                    _("Durata massima del tirocinio: %(months)s mesi.")
                    % {"months": context["durata_massima_mesi"]},
                    _("Riferimento: %(rule)s.") % {"rule": context["riferimento_normativo"]},
                ],
            )
        )
    return sections


def paper_pdf(context, kind):
    """The PDF's bytes (user text escaped: names and notes are typed by people)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(context["titolo"]), styles["Title"]),
        Paragraph(
            escape(
                _("%(agency)s – versione %(version)s del %(date)s")
                % {
                    "agency": context["agenzia"],
                    "version": context["versione"],
                    "date": context["data_documento"],
                }
            ),
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    for heading, content in _sections(context, kind):
        story.append(Paragraph(escape(str(heading)), styles["Heading2"]))
        if content and isinstance(content[0], tuple):
            table = Table(
                [
                    [
                        Paragraph(f"<b>{escape(str(label))}</b>", styles["Normal"]),
                        Paragraph(escape(str(value)), styles["Normal"]),
                    ]
                    for label, value in content
                ],
                colWidths=[150, 320],
            )
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ]
                )
            )
            story.append(table)
        else:
            for line in content:
                story.append(Paragraph(escape(str(line)), styles["Normal"]))
    story.append(Spacer(1, 36))
    signatures = Table(
        [[_("Per l'agenzia"), _("Per l'ente ospitante"), _("La persona")], ["", "", ""]],
        colWidths=[157, 157, 157],
        rowHeights=[18, 36],
    )
    signatures.setStyle(TableStyle([("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black)]))
    story.append(signatures)
    output = BytesIO()
    SimpleDocTemplate(
        output, pagesize=A4, title=context["titolo"], author=context["agenzia"]
    ).build(story)
    return output.getvalue()
