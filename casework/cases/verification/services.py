"""Writes of review meetings: record and correct, one transaction each, Italian refusals. The
first meeting ticks the checklist's "Report e incontri di verifica" (through its own service)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casework.audit.services import Action, record_event
from casework.cases.choices import ENDED_PATHWAY_STATUSES, Activity, PathwayStatus
from casework.cases.models import Pathway
from casework.cases.services.pathways import record_activity
from casework.cases.services.referrals import _not_future
from casework.permissions.access import can_see_comune

from .models import PARTY_FIELDS, Party, VerificationMeeting

MSG_PATHWAY_NOT_RUNNING = _(
    "Gli incontri di verifica si registrano su un percorso attivo o appena concluso."
)


MSG_BEFORE_ACTIVATION = _("L'incontro non può precedere l'attivazione del percorso.")


MSG_TOO_LONG_AFTER_END = _(
    "L'incontro è di oltre %(days)d giorni dopo la conclusione del percorso: per il seguito "
    "registrare un monitoraggio successivo."
)


MSG_NEXT_NOT_AFTER = _("Il prossimo incontro deve essere successivo a questo.")


MSG_NO_NEXT_AFTER_END = _("Un percorso concluso non ha un prossimo incontro di verifica.")


MSG_NO_PARTICIPANTS = _("Indicare chi ha partecipato all'incontro.")


MSG_MINUTES_REQUIRED = _("Scrivere il verbale dell'incontro.")


MSG_UNKNOWN_PARTY = _("Partecipante non previsto: %(party)s.")


MSG_NOT_ALLOWED = _("Non si possono registrare incontri di verifica su questo percorso.")


# The final review of an ended pathway may be held (or written down) a little after its end.
FINAL_MEETING_DAYS = 30


def _require(user, action, pathway):
    codename = f"casework.{action}_verificationmeeting"
    if user is None or not user.has_perm(codename) or not can_see_comune(user, pathway.comune_id):
        raise PermissionDenied(MSG_NOT_ALLOWED)


def _parties(participants):
    codes = set()
    for code in participants or ():
        try:
            codes.add(Party(code))
        except ValueError:
            raise ValidationError({"participants": MSG_UNKNOWN_PARTY % {"party": code}}) from None
    return codes


def _check(pathway, *, held_on, parties, participant_names, minutes, next_meeting_on):
    """The rules of a review meeting, shared by recording and correcting."""
    ended = pathway.status in ENDED_PATHWAY_STATUSES
    if pathway.status != PathwayStatus.ACTIVE and not ended:
        raise ValidationError(MSG_PATHWAY_NOT_RUNNING)
    _not_future(held_on, "held_on")
    if pathway.activated_on is None or held_on < pathway.activated_on:
        raise ValidationError({"held_on": MSG_BEFORE_ACTIVATION})
    if ended and pathway.ended_on is not None:
        if held_on > pathway.ended_on + datetime.timedelta(days=FINAL_MEETING_DAYS):
            raise ValidationError(
                {"held_on": MSG_TOO_LONG_AFTER_END % {"days": FINAL_MEETING_DAYS}}
            )
        if next_meeting_on is not None and held_on >= pathway.ended_on:
            raise ValidationError({"next_meeting_on": MSG_NO_NEXT_AFTER_END})
    if next_meeting_on is not None and next_meeting_on <= held_on:
        raise ValidationError({"next_meeting_on": MSG_NEXT_NOT_AFTER})
    if not parties and not (participant_names or "").strip():
        raise ValidationError({"participants": MSG_NO_PARTICIPANTS})
    if not (minutes or "").strip():
        raise ValidationError({"minutes": MSG_MINUTES_REQUIRED})


def _fill(meeting, *, held_on, parties, participant_names, minutes, next_meeting_on):
    meeting.held_on = held_on
    for party, field in PARTY_FIELDS.items():
        setattr(meeting, field, party in parties)
    meeting.participant_names = (participant_names or "").strip()
    meeting.minutes = minutes.strip()
    meeting.next_meeting_on = next_meeting_on


def _tick_reports(pathway, *, on, user):
    """The checklist's "Report e incontri di verifica" is done on the first meeting, where the
    pathway's plan has it; an item already ticked keeps its date."""
    item = pathway.activities.filter(activity=Activity.REPORTS, done_on__isnull=True).first()
    if item is not None:
        record_activity(item, on=on, user=user, note=item.note)


@transaction.atomic
def record_verification_meeting(
    pathway, *, held_on, participants, minutes, user, next_meeting_on=None, participant_names=""
):
    """A review meeting on a running (or just ended) pathway, by whoever may record them in the
    pathway's Comune. ``participants``: codes of ``Party``; ``participant_names``: free text."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require(user, "add", pathway)
    parties = _parties(participants)
    values = {
        "held_on": held_on,
        "parties": parties,
        "participant_names": participant_names,
        "minutes": minutes,
        "next_meeting_on": next_meeting_on,
    }
    _check(pathway, **values)
    meeting = VerificationMeeting(pathway=pathway, recorded_by=user)
    _fill(meeting, **values)
    meeting.full_clean()
    meeting.save()
    _tick_reports(pathway, on=held_on, user=user)
    record_event(user, Action.CREATE, meeting, detail="incontro di verifica registrato")
    return meeting


@transaction.atomic
def update_verification_meeting(
    meeting, *, held_on, participants, minutes, user, next_meeting_on=None, participant_names=""
):
    """Corrects a review meeting under the same rules as recording it."""
    meeting = VerificationMeeting.objects.get(pk=meeting.pk)
    pathway = Pathway.objects.select_for_update().get(pk=meeting.pathway_id)
    _require(user, "change", pathway)
    parties = _parties(participants)
    values = {
        "held_on": held_on,
        "parties": parties,
        "participant_names": participant_names,
        "minutes": minutes,
        "next_meeting_on": next_meeting_on,
    }
    _check(pathway, **values)
    _fill(meeting, **values)
    meeting.full_clean()
    meeting.save()
    record_event(user, Action.CHANGE, meeting, detail="incontro di verifica corretto")
    return meeting
