"""The right-of-access report as a PDF."""

from io import BytesIO

from django.utils.translation import gettext as _


def access_report_pdf(data):
    """The same report as a PDF for the person (reportlab; escaped: it is user text)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(_("Dati personali trattati dal programma ZeroOttanta")), styles["Title"]),
        Paragraph(
            escape(_("Generato il %(when)s") % {"when": data["generato_il"]}), styles["Normal"]
        ),
        Spacer(1, 12),
    ]

    def add(title, mapping, level="Heading2"):
        story.append(Paragraph(escape(str(title)), styles[level]))
        for key, value in mapping.items():
            if isinstance(value, list):
                continue
            text = "–" if value in (None, "") else str(value)
            story.append(Paragraph(f"<b>{escape(key)}</b>: {escape(text)}", styles["Normal"]))

    add(_("Persona"), data["persona"])
    for index, referral in enumerate(data["segnalazioni"], start=1):
        add(_("Segnalazione %(n)d") % {"n": index}, referral)
        for p_index, pathway in enumerate(referral["percorsi"], start=1):
            add(_("Percorso %(n)d") % {"n": p_index}, pathway, "Heading3")
            for section in ("attivita", "monitoraggi", "tutoraggio", "fogli_ore", "voucher"):
                for row in pathway[section]:
                    add(section.replace("_", " "), row, "Heading4")
    story.append(Paragraph(escape(_("Chi ha consultato o modificato i dati")), styles["Heading2"]))
    for event in data["accessi"]:
        line = f"{event['quando']} – {event['chi']} ({event['utente']}): {event['azione']} {event['dato']} {event['id']}"
        story.append(Paragraph(escape(line), styles["Normal"]))
    if not data["accessi"]:
        story.append(Paragraph(escape(_("Nessun accesso registrato.")), styles["Normal"]))
    output = BytesIO()
    SimpleDocTemplate(output, pagesize=A4, title=_("Accesso ai dati personali")).build(story)
    output.seek(0)
    return output
