"""The person's appointment letter as a PDF (reportlab, like the right-of-access report)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.permissions.names import display_name

from .models import DeskSettings


def _bold(text):
    return f"<b>{escape(text)}</b>"


def _lines(text):
    return [escape(line) for line in (text or "").splitlines() if line.strip()]


def appointment_letter_pdf(appointment):
    """Only this person's data: name, referral protocol, the date and time of the appointment,
    the operator, and the desk's address, hours, phone and what to bring."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    desk = DeskSettings.load()
    person = appointment.referral.beneficiary
    starts = timezone.localtime(appointment.starts_at)
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    story = [
        Paragraph(escape(_("ZeroOttanta – Sportello dell'agenzia")), styles["Title"]),
        Paragraph(escape(_("Gentile %(name)s,") % {"name": person.full_name}), normal),
        Spacer(1, 8),
        Paragraph(
            escape(
                _(
                    "a seguito della segnalazione del servizio sociale del Comune di %(comune)s "
                    "(protocollo %(protocol)s) la aspettiamo allo sportello per il primo "
                    "colloquio:"
                )
                % {
                    "comune": appointment.referral.comune.name,
                    "protocol": appointment.referral.protocol,
                }
            ),
            normal,
        ),
        Spacer(1, 8),
        Paragraph(
            escape(
                _("%(date)s alle ore %(time)s")
                % {"date": starts.strftime("%d/%m/%Y"), "time": starts.strftime("%H:%M")}
            ),
            styles["Heading2"],
        ),
        Paragraph(
            escape(_("Operatore: %(name)s") % {"name": display_name(appointment.operator)}),
            normal,
        ),
        Spacer(1, 8),
        Paragraph(_bold(_("Indirizzo dello sportello")), normal),
        *[Paragraph(line, normal) for line in _lines(desk.address)],
        Spacer(1, 6),
        Paragraph(_bold(_("Orari di apertura")), normal),
        *[Paragraph(line, normal) for line in _lines(desk.opening_hours)],
    ]
    if desk.phone:
        story += [
            Spacer(1, 6),
            Paragraph(
                escape(
                    _("Per spostare l'appuntamento telefonare al %(phone)s.")
                    % {"phone": desk.phone}
                ),
                normal,
            ),
        ]
    if desk.what_to_bring:
        story += [
            Spacer(1, 6),
            Paragraph(_bold(_("Cosa portare")), normal),
            *[Paragraph(line, normal) for line in _lines(desk.what_to_bring)],
        ]
    output = BytesIO()
    SimpleDocTemplate(output, pagesize=A4, title=_("Lettera di convocazione")).build(story)
    output.seek(0)
    return output
