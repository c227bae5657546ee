"""The joint team meeting's minutes (verbale) as a PDF: who took part, the cases discussed, each
voucher decision with its amount, and each Comune's budget left after the meeting.

Who reads what: the programme manager and the agency work for every Comune and get the whole
minutes. A social worker gets the extract of their own Comuni: only those cases, decisions and
budgets, and not the meeting's free-text minutes, which may name anyone's people."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.audit.services import Action, record_event, record_events
from casework.permissions.access import scope, sees_all_comuni, visible_comuni

from .choices import COMMITTED_VOUCHER_STATUSES
from .euro import format_amount, format_euro
from .models import Edition, Voucher
from .selectors import budgets_after_meeting

QUERIES = 4  # cases, decisions, the edition of the meeting's day, budgets


def _day(value):
    return date_format(value, "d/m/Y")


def meeting_minutes(meeting, user):
    """What the minutes say, as this user may read them; ``QUERIES`` queries whatever the number
    of cases and vouchers (the user's role and Comuni cached on the user are not counted)."""
    full = sees_all_comuni(user)
    cases = list(
        scope(meeting.cases.all(), user, "comune")
        .select_related("beneficiary", "comune")
        .order_by("comune__name", "beneficiary__last_name", "beneficiary__first_name", "pk")
    )
    decisions = list(
        scope(Voucher.objects.filter(meeting=meeting), user, "comune")
        .select_related("pathway__referral__beneficiary", "comune", "edition")
        .order_by("comune__name", "pathway__referral__beneficiary__last_name", "pk")
    )
    edition_ids = {voucher.edition_id for voucher in decisions}
    edition_ids.update(
        Edition.objects.filter(
            starts_on__lte=meeting.held_on, ends_on__gte=meeting.held_on
        ).values_list("pk", flat=True)
    )
    comune_ids = {case.comune_id for case in cases} | {v.comune_id for v in decisions}
    budgets = list(
        budgets_after_meeting(meeting, comune_ids=comune_ids, edition_ids=edition_ids, user=user)
    )
    approved = [v for v in decisions if v.status in COMMITTED_VOUCHER_STATUSES]
    return {
        "meeting": meeting,
        "full": full,
        "participants": meeting.participants,
        "minutes": meeting.minutes if full else None,
        "cases": cases,
        "decisions": decisions,
        "approved_total": sum((v.gross for v in approved), start=0),
        "budgets": budgets,
    }


def minutes_comuni_label(user):
    """The Comuni of a social worker's extract, by name."""
    return ", ".join(c.name for c in visible_comuni(user).order_by("name"))


def audit_minutes(user, data):
    """The download leaves an event for the meeting and one per person the minutes name."""
    meeting = data["meeting"]
    record_event(
        user,
        Action.EXPORT,
        model="casework.teammeeting",
        object_id=meeting.pk,
        detail="verbale dell'équipe (PDF)" if data["full"] else "estratto del verbale (PDF)",
    )
    people = {}
    for case in data["cases"]:
        people.setdefault(case.beneficiary_id, ("casework.referral", case.pk, case.comune_id))
    for voucher in data["decisions"]:
        beneficiary_id = voucher.pathway.referral.beneficiary_id
        people.setdefault(beneficiary_id, ("casework.voucher", voucher.pk, voucher.comune_id))
    record_events(
        user,
        Action.EXPORT,
        (
            {
                "model": model,
                "object_id": pk,
                "beneficiary_id": beneficiary_id,
                "comune_id": comune_id,
                "detail": f"verbale dell'équipe {meeting.pk} (PDF)",
            }
            for beneficiary_id, (model, pk, comune_id) in people.items()
        ),
    )


def minutes_filename(meeting):
    return f"verbale-equipe-{meeting.held_on:%Y-%m-%d}.pdf"


def minutes_pdf(data, *, comuni_label=""):
    """The minutes as a PDF (reportlab; every text escaped: it is typed by people)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    meeting = data["meeting"]

    def para(text, style=normal):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(header, rows, widths, right=()):
        cells = [[para(h) for h in header]] + [[para(c) for c in row] for row in rows]
        result = Table(cells, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        style += [("ALIGN", (col, 1), (col, -1), "RIGHT") for col in right]
        result.setStyle(TableStyle(style))
        return result

    title = _("Verbale dell'équipe congiunta del %(date)s") % {"date": _day(meeting.held_on)}
    story = [para(title, styles["Title"])]
    if not data["full"]:
        story.append(
            para(
                _(
                    "Estratto per %(comuni)s: solo i casi, le decisioni e i budget dei Comuni "
                    "di competenza. Il testo libero del verbale è riservato al responsabile PAL "
                    "e all'agenzia."
                )
                % {"comuni": comuni_label or "—"}
            )
        )
    story += [Spacer(1, 8), para(_("Partecipanti"), styles["Heading2"])]
    story.append(para(data["participants"] or _("Non indicati.")))

    story.append(para(_("Casi discussi"), styles["Heading2"]))
    if data["cases"]:
        rows = [(str(case.beneficiary), str(case.comune), case.protocol) for case in data["cases"]]
        story.append(table([_("Persona"), _("Comune"), _("Segnalazione")], rows, [220, 140, 120]))
    else:
        story.append(para(_("Nessun caso registrato.")))

    story.append(para(_("Decisioni sui voucher"), styles["Heading2"]))
    if data["decisions"]:
        rows = [
            (
                str(voucher.pathway.referral.beneficiary),
                str(voucher.comune),
                voucher.get_kind_display(),
                format_amount(voucher.quantity).removesuffix(",00"),
                voucher.get_status_display(),
                format_euro(voucher.gross),
            )
            for voucher in data["decisions"]
        ]
        header = [
            _("Persona"),
            _("Comune"),
            _("Voce"),
            _("Quantità"),
            _("Esito"),
            _("Importo (IVA incl.)"),
        ]
        story.append(table(header, rows, [110, 75, 120, 50, 60, 80], right=(3, 5)))
        story.append(Spacer(1, 4))
        story.append(
            para(
                _("Totale approvato: %(amount)s") % {"amount": format_euro(data["approved_total"])}
            )
        )
    else:
        story.append(para(_("Nessuna decisione sui voucher in questa équipe.")))

    story.append(para(_("Budget residuo per Comune dopo l'équipe"), styles["Heading2"]))
    if data["budgets"]:
        rows = [
            (
                str(row.comune),
                str(row.edition),
                format_euro(row.amount),
                format_euro(row.committed),
                format_euro(row.remaining),
            )
            for row in data["budgets"]
        ]
        header = [_("Comune"), _("Edizione"), _("Budget"), _("Impegnato"), _("Residuo")]
        story.append(table(header, rows, [130, 70, 95, 95, 95], right=(2, 3, 4)))
        story.append(
            para(
                _(
                    "Impegnato: voucher approvati, fatturati o pagati decisi in questa équipe o "
                    "prima (importi IVA inclusa)."
                ),
                styles["Italic"],
            )
        )
    else:
        story.append(para(_("Nessun budget interessato.")))

    if data["minutes"] is not None:
        story.append(para(_("Verbale"), styles["Heading2"]))
        story.append(para(data["minutes"] or _("Nessun testo.")))
    generated = date_format(timezone.localtime(), "d/m/Y H:i")
    story += [
        Spacer(1, 12),
        para(_("Generato il %(when)s") % {"when": generated}, styles["Italic"]),
    ]
    output = BytesIO()
    SimpleDocTemplate(output, pagesize=A4, title=title).build(story)
    output.seek(0)
    return output
