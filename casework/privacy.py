"""Data protection by design: retention and anonymisation, the right of access, pseudonymised
exports and the purge of the audit trail. See SECURITY.md.

Anonymisation keeps every row (so report figures, budgets and invoices do not move) and replaces
what identifies the person: names, tax code, contacts, birth day and month, protocols and free
text. Copies of the old values elsewhere are scrubbed too: Wagtail revisions of the person's
records are deleted, log-entry labels rewritten, and every text column of every table is searched
for the old tax code and full name.
"""

import datetime
import hashlib
import hmac
import json
from io import BytesIO

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Cast, Replace
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .access import is_programme_manager
from .audit import Action, record_event
from .choices import PathwayStatus, ReferralStatus
from .models import (
    AUDIT_MIN_RETENTION_MONTHS,
    AuditEvent,
    Beneficiary,
    FollowUp,
    InvoiceLine,
    Pathway,
    PathwayActivity,
    Referral,
    TeamMeeting,
    TutoringSession,
    Voucher,
    audit_purge_latest_cutoff,
)

OPEN_REFERRAL_STATUSES = (ReferralStatus.RECEIVED, ReferralStatus.TAKEN_IN_CHARGE)
OPEN_PATHWAY_STATUSES = (PathwayStatus.INTAKE, PathwayStatus.MATCHING, PathwayStatus.ACTIVE)
ANONYMISED_LAST_NAME = "Anonimizzato"
SCRUBBED = "[dato anonimizzato]"
# The audit trail is kept at least this long whatever the setting says (casework.models holds
# the floor, with the database triggers).
MIN_AUDIT_RETENTION_MONTHS = AUDIT_MIN_RETENTION_MONTHS

ONLY_PROGRAMME_MANAGER = gettext_lazy(
    "Solo il responsabile PAL può esportare i dati di una persona."
)
NO_PSEUDONYMISATION_KEY = (
    "PSEUDONYMISATION_KEY non è impostata: l'esportazione pseudonimizzata non è disponibile."
)


# --- Retention ------------------------------------------------------------------------------


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today=None):
    today = today or timezone.localdate()
    return _years_before(today, settings.RETENTION_YEARS)


def due_for_anonymisation(today=None):
    """People with nothing open whose last referral or pathway closed (and last follow-up
    happened) before the retention cutoff."""
    cutoff = retention_cutoff(today)
    cutoff_moment = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return (
        Beneficiary.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff_moment)
        .exclude(referrals__status__in=OPEN_REFERRAL_STATUSES)
        .exclude(referrals__pathways__status__in=OPEN_PATHWAY_STATUSES)
        .exclude(referrals__updated_at__gte=cutoff_moment)
        .exclude(referrals__pathways__ended_on__gte=cutoff)
        .exclude(referrals__pathways__updated_at__gte=cutoff_moment)
        .exclude(referrals__pathways__follow_ups__on__gte=cutoff)
        .distinct()
    )


def placeholder_tax_code(beneficiary_id):
    """Unique (so the column's constraint holds) and about nobody: no real code starts with
    four letters followed by twelve digits."""
    return f"ANON{beneficiary_id:012d}"


def _text_fields(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.primary_key
    ]


def _scrub_text_everywhere(needles, *, skip=()):
    """Replace each needle in every text column of every managed model (JSON columns through
    their text form). The audit trail is not touched: it holds ids only."""
    needles = [n for n in dict.fromkeys(needles) if n and len(n) >= 4]
    if not needles:
        return 0
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or model is AuditEvent or model in skip:
            continue
        manager = model._base_manager
        for name in _text_fields(model):
            found = Q()
            replaced = F(name)
            for needle in needles:
                found |= Q(**{f"{name}__contains": needle})
                replaced = Replace(replaced, Value(needle), Value(SCRUBBED))
            changed += manager.filter(found).update(**{name: replaced})
        for field in meta.concrete_fields:
            if isinstance(field, models.JSONField):
                changed += _scrub_json(manager, field.name, needles)
    return changed


def _scrub_json(manager, name, needles):
    query = Q()
    for needle in needles:
        query |= Q(_zo_text__contains=needle)
    changed = 0
    rows = manager.annotate(_zo_text=Cast(name, TextField())).filter(query)
    for row in rows.only("pk", name):
        text = json.dumps(getattr(row, name))
        for needle in needles:
            text = text.replace(needle, SCRUBBED)
        manager.filter(pk=row.pk).update(**{name: json.loads(text)})
        changed += 1
    return changed


def _person_objects(beneficiary):
    referrals = list(Referral.objects.filter(beneficiary=beneficiary))
    pathways = list(Pathway.objects.filter(referral__in=referrals))
    vouchers = list(Voucher.objects.filter(pathway__in=pathways))
    return referrals, pathways, vouchers


def _forget_revisions_and_labels(objects):
    from wagtail.models import ModelLogEntry, Revision

    for obj in objects:
        content_type = ContentType.objects.get_for_model(type(obj))
        object_id = str(obj.pk)
        Revision.objects.filter(object_id=object_id).filter(
            Q(content_type=content_type) | Q(base_content_type=content_type)
        ).delete()
        ModelLogEntry.objects.filter(content_type=content_type, object_id=object_id).update(
            label=str(obj)[:255], data={}
        )


def _reindex(objects):
    from wagtail.search import index

    for obj in objects:
        if isinstance(obj, index.Indexed):
            index.insert_or_update_object(obj)


@transaction.atomic
def anonymise(beneficiary_id, *, user=None, now=None):
    """Anonymise one person; returns the person. Idempotent: a second call changes nothing."""
    person = Beneficiary.objects.select_for_update().get(pk=beneficiary_id)
    if person.anonymised_at is not None:
        return person
    now = now or timezone.now()
    old_values = [
        person.tax_code,
        person.tax_code.lower(),
        f"{person.first_name} {person.last_name}",
        f"{person.last_name} {person.first_name}",
        person.email,
        person.phone,
        person.address,
    ]
    referrals, pathways, vouchers = _person_objects(person)
    old_values += [referral.protocol for referral in referrals if len(referral.protocol) >= 6]

    # Bypasses full_clean on purpose: the placeholder is not a valid codice fiscale, by design.
    Beneficiary.objects.filter(pk=person.pk).update(
        tax_code=placeholder_tax_code(person.pk),
        first_name=f"#{person.pk}",
        last_name=ANONYMISED_LAST_NAME,
        birth_date=person.birth_date.replace(month=1, day=1),
        address="",
        phone="",
        email="",
        confidential_notes="",
        anonymised_at=now,
    )
    for referral in referrals:
        Referral.objects.filter(pk=referral.pk).update(
            protocol=f"ANON-{referral.pk}",
            reason="",
            status_note="",
            deadline_reason="",
        )
    Pathway.objects.filter(pk__in=[p.pk for p in pathways]).update(
        assessment="", cv_summary="", outcome_note=""
    )
    PathwayActivity.objects.filter(pathway__in=pathways).update(note="")
    FollowUp.objects.filter(pathway__in=pathways).update(note="")
    TutoringSession.objects.filter(pathway__in=pathways).update(note="")
    Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(decision_note="")
    InvoiceLine.objects.filter(voucher__in=vouchers).update(
        description=_("Voce relativa a persona anonimizzata")
    )

    _scrub_text_everywhere(old_values)

    person.refresh_from_db()
    fresh = [
        person,
        *Referral.objects.filter(pk__in=[r.pk for r in referrals]),
        *Pathway.objects.filter(pk__in=[p.pk for p in pathways]).select_related(
            "referral__beneficiary"
        ),
        *Voucher.objects.filter(pk__in=[v.pk for v in vouchers]),
    ]
    _forget_revisions_and_labels(fresh)
    _reindex(fresh + list(TeamMeeting.objects.filter(cases__in=referrals)))
    record_event(user, Action.ANONYMISE, person, detail="conservazione scaduta")
    return person


def anonymise_due(today=None):
    """The scheduled task's work: returns the ids anonymised (ids only, never names)."""
    done = []
    for person_id in due_for_anonymisation(today).values_list("pk", flat=True):
        anonymise(person_id)
        done.append(person_id)
    return done


def purge_audit_events(now=None):
    """Delete audit rows older than the retention (never less than 24 months); returns how
    many. ``now`` may only be the present or the past: ``purge_older_than`` refuses a cutoff
    younger than the retention counted from the real clock."""
    deleted, _rows = AuditEvent.objects.purge_older_than(audit_purge_latest_cutoff(now))
    return deleted


# --- Pseudonymisation -----------------------------------------------------------------------


def pseudonymise(value):
    """Keyed hash (HMAC-SHA256 with ``PSEUDONYMISATION_KEY``) of a tax code: the same person gets
    the same pseudonym in every export, and nobody without the key can recompute it."""
    key = settings.PSEUDONYMISATION_KEY
    if not key:
        raise ImproperlyConfigured(NO_PSEUDONYMISATION_KEY)
    normalised = (value or "").strip().upper().encode("utf-8")
    return hmac.new(key.encode("utf-8"), normalised, hashlib.sha256).hexdigest()[:32]


PSEUDONYMISED_HEADERS = [
    "pseudonimo",
    "anno di nascita",
    "sesso",
    "Comune di residenza",
    "target",
    "condizione",
    "segnalazioni",
    "percorsi",
    "percorsi conclusi",
    "assunzioni",
]


def pseudonymised_rows(queryset):
    """One row per person without any direct identifier: the keyed hash instead of the tax
    code, the birth year instead of the date."""
    from django.db.models import Count

    people = queryset.select_related("residence_comune").annotate(
        n_referrals=Count("referrals", distinct=True),
        n_pathways=Count("referrals__pathways", distinct=True),
        n_completed=Count(
            "referrals__pathways",
            filter=Q(referrals__pathways__status=PathwayStatus.COMPLETED),
            distinct=True,
        ),
        n_hired=Count(
            "referrals__pathways",
            filter=Q(referrals__pathways__outcome="hired"),
            distinct=True,
        ),
    )
    for person in people.order_by("pk").iterator(chunk_size=2000):
        yield [
            pseudonymise(person.tax_code),
            person.birth_date.year,
            person.get_sex_display(),
            person.residence_comune.name,
            person.get_target_group_display(),
            person.get_employment_condition_display(),
            person.n_referrals,
            person.n_pathways,
            person.n_completed,
            person.n_hired,
        ]


# --- Right of access ------------------------------------------------------------------------


def _fields(obj, names):
    return {name: _json_value(getattr(obj, name)) for name in names}


def _json_value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def access_report(person):
    """Everything the programme holds about one person, and who opened their record."""
    referrals = person.referrals.select_related("comune").order_by("referred_on", "pk")
    data = {
        "generato_il": timezone.localtime().isoformat(),
        "persona": _fields(
            person,
            [
                "tax_code",
                "first_name",
                "last_name",
                "birth_date",
                "sex",
                "residence_comune",
                "address",
                "phone",
                "email",
                "employment_condition",
                "target_group",
                "confidential_notes",
                "privacy_notice_on",
                "anonymised_at",
                "created_at",
            ],
        ),
        "segnalazioni": [],
    }
    for referral in referrals:
        item = _fields(
            referral,
            ["comune", "protocol", "referred_on", "social_worker_name", "proposed_pathway_type"],
        )
        item.update(_fields(referral, ["reason", "status", "status_note"]))
        item["equipe"] = [
            meeting.held_on.isoformat() for meeting in referral.team_meetings.order_by("held_on")
        ]
        item["percorsi"] = []
        for pathway in referral.pathways.select_related("host", "position").order_by("pk"):
            entry = _fields(
                pathway,
                [
                    "pathway_type",
                    "intake_on",
                    "first_interview_on",
                    "activated_on",
                    "planned_end_on",
                    "ended_on",
                    "status",
                    "outcome",
                    "outcome_note",
                    "assessment",
                    "cv_summary",
                    "host",
                    "position",
                    "hours_per_week",
                ],
            )
            entry["attivita"] = [
                _fields(a, ["activity", "done_on", "note"]) for a in pathway.activities.all()
            ]
            entry["monitoraggi"] = [
                _fields(f, ["on", "situation", "note"]) for f in pathway.follow_ups.all()
            ]
            entry["tutoraggio"] = [
                _fields(t, ["on", "hours", "note"]) for t in pathway.tutoring_sessions.all()
            ]
            entry["fogli_ore"] = [
                _fields(t, ["month", "hours_worked", "payslip_delivered_on", "cud_delivered_on"])
                for t in pathway.timesheets.all()
            ]
            entry["voucher"] = [
                _fields(v, ["kind", "quantity", "gross", "status", "decided_at"])
                for v in pathway.vouchers.all()
            ]
            item["percorsi"].append(entry)
        data["segnalazioni"].append(item)
    events = AuditEvent.objects.filter(beneficiary_id=person.pk).select_related("user")
    data["accessi"] = [
        {
            "quando": timezone.localtime(event.at).isoformat(),
            "chi": (event.user.get_full_name() or event.user.get_username())
            if event.user
            else _("sistema o utente rimosso"),
            "utente": event.user.get_username() if event.user else "",
            "azione": str(event.get_action_display()),
            "dato": event.model,
            "id": event.object_id,
        }
        for event in events.order_by("at", "pk")
    ]
    return data


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


class AccessExportView(View):
    """The right-of-access export of one person (JSON or PDF), for the programme manager."""

    model = Beneficiary
    fmt = "json"

    def get(self, request, pk):
        if not is_programme_manager(request.user):
            raise PermissionDenied(ONLY_PROGRAMME_MANAGER)
        person = get_object_or_404(Beneficiary, pk=pk)
        data = access_report(person)
        record_event(request.user, Action.EXPORT, person, detail=f"diritto di accesso ({self.fmt})")
        filename = f"accesso-dati-persona-{person.pk}"
        if self.fmt == "json":
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
            return response
        return FileResponse(
            access_report_pdf(data),
            as_attachment=True,
            filename=f"{filename}.pdf",
            content_type="application/pdf",
        )


def pseudonymised_export_view(request):
    """CSV of every person without direct identifiers, for studies and reports that leave the
    programme."""
    from .exporting import iter_csv

    if not is_programme_manager(request.user):
        raise PermissionDenied(ONLY_PROGRAMME_MANAGER)
    queryset = Beneficiary.objects.all()
    record_event(
        request.user,
        Action.EXPORT,
        model=Beneficiary._meta.label_lower,
        detail=f"esportazione pseudonimizzata ({queryset.count()} persone)",
    )
    response = StreamingHttpResponse(
        iter_csv(PSEUDONYMISED_HEADERS, pseudonymised_rows(queryset)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="persone-pseudonimizzate-{stamp}.csv"'
    return response


ACCESS_JSON_URL_NAME = "casework_privacy_access_json"
ACCESS_PDF_URL_NAME = "casework_privacy_access_pdf"
PSEUDONYMISED_EXPORT_URL_NAME = "casework_privacy_pseudonymised"


def urlpatterns():
    """Person URLs are guarded like every casework pk URL: another Comune's person is a 404."""
    from .access import scope
    from .scoping import guard_urlpatterns

    people = [
        path(
            "casework/privacy/person/<int:pk>/access.json",
            AccessExportView.as_view(fmt="json"),
            name=ACCESS_JSON_URL_NAME,
        ),
        path(
            "casework/privacy/person/<int:pk>/access.pdf",
            AccessExportView.as_view(fmt="pdf"),
            name=ACCESS_PDF_URL_NAME,
        ),
    ]
    guarded = guard_urlpatterns(
        people,
        lambda request: scope(Beneficiary.objects.all(), request.user, "residence_comune"),
    )
    return [
        *guarded,
        path(
            "casework/privacy/people-pseudonymised.csv",
            pseudonymised_export_view,
            name=PSEUDONYMISED_EXPORT_URL_NAME,
        ),
    ]


def beneficiary_listing_buttons(snippet, user, next_url=None):
    """The right-of-access exports in each person's "more" menu, for the programme manager."""
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, Beneficiary) and is_programme_manager(user):
        from django.urls import reverse

        yield ListingButton(
            _("Dati della persona (JSON)"),
            url=reverse(ACCESS_JSON_URL_NAME, args=[snippet.pk]),
            icon_name="download",
            priority=60,
        )
        yield ListingButton(
            _("Dati della persona (PDF)"),
            url=reverse(ACCESS_PDF_URL_NAME, args=[snippet.pk]),
            icon_name="doc-full",
            priority=61,
        )
