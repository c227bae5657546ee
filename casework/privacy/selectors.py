"""Reads of privacy: a person's access report and the pseudonymised rows."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit.models import AuditEvent
from casework.cases.choices import PathwayStatus

from .services import pseudonymise

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
                    "objectives",
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
