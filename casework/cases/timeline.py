"""A person's timeline: everything that happened to them in the programme, newest first, each
event with a link to the record it comes from. Built from the referrals the user may see (per
Comune) in a fixed number of queries whatever the number of rows.

The money records (vouchers, tutoring sessions, timesheets) are read through the pathways'
reverse relations (``vouchers``, ``tutoring_sessions``, ``timesheets``): the cases area never
imports the money area. Documents (report runs) are not linked to a person, so they are not
part of the timeline."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit.selectors import person_views
from casework.permissions.access import is_programme_manager, scope

from .choices import PathwayStatus
from .models import FollowUp, Pathway, PathwayActivity, TeamMeeting

REFERRAL_URL = "wagtailsnippets_casework_referral:inspect"
PATHWAY_URL = "wagtailsnippets_casework_pathway:inspect"
VOUCHER_URL = "wagtailsnippets_casework_voucher:inspect"
DELIVERY_ANCHOR = "#erogazione"


@dataclass
class Event:
    on: datetime.date
    kind: str  # a short code, for the template's icon and the tests
    title: str
    detail: str = ""
    url: str = ""
    who: str = ""
    at: datetime.datetime | None = None  # the moment, when the record has one (local time)
    order: int = 0  # same day: the later step of the story first


def full_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _url(name, pk, anchor=""):
    try:
        return reverse(name, args=[pk]) + anchor
    except NoReverseMatch:
        return ""


def _local(moment):
    return timezone.localtime(moment) if moment is not None else None


def _referral_queryset(person, user):
    pathways = Pathway.objects.select_related("host", "position", "operator").prefetch_related(
        Prefetch(
            "activities",
            queryset=PathwayActivity.objects.filter(done_on__isnull=False).select_related(
                "done_by"
            ),
        ),
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("recorded_by")),
        "vouchers",
        "vouchers__decided_by",
        "tutoring_sessions",
        "tutoring_sessions__operator",
        "timesheets",
    )
    return (
        scope(person.referrals.all(), user, "comune")
        .select_related("comune", "referred_by")
        .prefetch_related(
            Prefetch("pathways", queryset=pathways),
            Prefetch("team_meetings", queryset=TeamMeeting.objects.order_by("held_on")),
        )
        .order_by("referred_on", "pk")
    )


def _referral_events(referral):
    url = _url(REFERRAL_URL, referral.pk)
    yield Event(
        on=referral.referred_on,
        kind="referral",
        title=_("Segnalazione %(protocol)s da %(comune)s")
        % {"protocol": referral.protocol, "comune": referral.comune},
        detail=referral.get_status_display(),
        url=url,
        who=full_name(referral.referred_by) or referral.social_worker_name,
        order=0,
    )
    for meeting in referral.team_meetings.all():
        yield Event(
            on=meeting.held_on,
            kind="meeting",
            title=_("Discussa in équipe congiunta"),
            detail=referral.protocol,
            url=url,
            order=1,
        )


def _pathway_events(pathway, user):
    url = _url(PATHWAY_URL, pathway.pk)
    kind_label = pathway.get_pathway_type_display()
    yield Event(
        on=pathway.intake_on,
        kind="intake",
        title=_("Presa in carico: %(type)s") % {"type": kind_label},
        url=url,
        who=full_name(pathway.operator),
        order=2,
    )
    if pathway.first_interview_on:
        yield Event(
            on=pathway.first_interview_on,
            kind="defined",
            title=_("Percorso definito (colloquio di primo livello)"),
            detail=kind_label,
            url=url,
            order=3,
        )
    if pathway.activated_on:
        yield Event(
            on=pathway.activated_on,
            kind="activated",
            title=_("Percorso attivato"),
            detail=kind_label,
            url=url,
            order=5,
        )
        if pathway.position_id or pathway.host_id:
            yield Event(
                on=pathway.activated_on,
                kind="placement",
                title=_("Inserimento presso %(where)s")
                % {"where": pathway.position or pathway.host},
                detail=str(pathway.host) if pathway.position_id and pathway.host_id else "",
                url=url,
                order=6,
            )
    if pathway.ended_on:
        interrupted = pathway.status == PathwayStatus.INTERRUPTED
        yield Event(
            on=pathway.ended_on,
            kind="interrupted" if interrupted else "completed",
            title=_("Percorso interrotto") if interrupted else _("Percorso concluso"),
            detail=pathway.get_outcome_display() if pathway.outcome else pathway.outcome_note,
            url=url,
            order=9,
        )
    for item in pathway.activities.all():
        yield Event(
            on=item.done_on,
            kind="activity",
            title=_("Attività svolta: %(activity)s") % {"activity": item.get_activity_display()},
            detail=item.note,
            url=url,
            who=full_name(item.done_by),
            order=4,
        )
    for follow_up in pathway.follow_ups.all():
        yield Event(
            on=follow_up.on,
            kind="follow_up",
            title=_("Monitoraggio: %(situation)s")
            % {"situation": follow_up.get_situation_display()},
            detail=follow_up.note,
            url=url,
            who=full_name(follow_up.recorded_by),
            order=10,
        )
    yield from _money_events(pathway, user, url)


def _money_events(pathway, user, pathway_url):
    delivery_url = pathway_url + DELIVERY_ANCHOR if pathway_url else ""
    may_see_vouchers = user.has_perm("casework.view_voucher")
    for voucher in pathway.vouchers.all():
        url = _url(VOUCHER_URL, voucher.pk) if may_see_vouchers else ""
        url = url or pathway_url
        requested = _local(voucher.created_at)
        yield Event(
            on=requested.date(),
            at=requested,
            kind="voucher",
            title=_("Voucher richiesto: %(voucher)s") % {"voucher": voucher.get_kind_display()},
            url=url,
            order=7,
        )
        if voucher.decided_at:
            decided = _local(voucher.decided_at)
            yield Event(
                on=decided.date(),
                at=decided,
                kind="decision",
                title=_("Decisione sul voucher %(voucher)s: %(status)s")
                % {"voucher": voucher.get_kind_display(), "status": voucher.get_status_display()},
                detail=voucher.decision_note,
                url=url,
                who=full_name(voucher.decided_by),
                order=8,
            )
    for session in pathway.tutoring_sessions.all():
        yield Event(
            on=session.on,
            kind="tutoring",
            title=_("Tutoraggio: %(hours)s ore")
            % {"hours": f"{session.hours:f}".rstrip("0").rstrip(".").replace(".", ",")},
            detail=session.note,
            url=delivery_url,
            who=full_name(session.operator),
            order=7,
        )
    for sheet in pathway.timesheets.all():
        month = sheet.month.strftime("%m/%Y")
        if sheet.payslip_delivered_on:
            yield Event(
                on=sheet.payslip_delivered_on,
                kind="payslip",
                title=_("Busta paga consegnata (%(month)s)") % {"month": month},
                url=delivery_url,
                order=7,
            )
        if sheet.cud_delivered_on:
            yield Event(
                on=sheet.cud_delivered_on,
                kind="cud",
                title=_("CUD consegnato (%(month)s)") % {"month": month},
                url=delivery_url,
                order=7,
            )


def _view_events(person):
    for event in person_views(person.pk):
        at = _local(event.at)
        yield Event(
            on=at.date(),
            at=at,
            kind="view",
            title=_("Scheda aperta"),
            detail=event.detail,
            who=full_name(event.user) or _("utente eliminato"),
            order=11,
        )


def person_timeline(person, user):
    """The person's events, newest first: referrals, team meetings, intake, checklist items done,
    pathway definition, activation, placement, end, vouchers and their decisions, tutoring
    sessions, payslips and CUDs delivered, follow-ups; for the programme manager also who opened
    the person's records. Eleven queries (twelve for the programme manager), whatever the
    rows; only what the user's Comuni allow."""
    referrals = list(_referral_queryset(person, user))
    events = []
    for referral in referrals:
        events.extend(_referral_events(referral))
        for pathway in referral.pathways.all():
            events.extend(_pathway_events(pathway, user))
    if is_programme_manager(user):
        events.extend(_view_events(person))
    events.sort(
        key=lambda event: (event.on, event.order, event.at.timestamp() if event.at else 0),
        reverse=True,
    )
    return {"referrals": referrals, "events": events}
