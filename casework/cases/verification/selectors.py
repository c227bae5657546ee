"""Reads of review meetings: a pathway's section (a fixed number of queries) and the pathways whose
next review meeting is overdue (the dashboard's deadlines panel)."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from casework.cases import deadlines
from casework.cases.choices import PathwayStatus
from casework.cases.models import Pathway
from casework.permissions.access import scope

from .models import VerificationMeeting

RECORD_URL = "casework_record_verification"
EDIT_URL = "casework_edit_verification"


def _full_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def pathway_verification(pathway, user, *, on=None):
    """The pathway's review meetings (newest first), the next one due and whether it is overdue
    (an active pathway whose latest meeting set a date now past, with no meeting since); the
    record and edit URLs only for who may use them. One query; None for who may not read them."""
    if not user.has_perm("casework.view_verificationmeeting"):
        return None
    on = on or deadlines.today()
    may_edit = user.has_perm("casework.change_verificationmeeting")
    meetings = list(
        VerificationMeeting.objects.filter(pathway=pathway)
        .select_related("recorded_by")
        .order_by("-held_on", "-pk")
    )
    rows = [
        {
            "pk": meeting.pk,
            "held_on": meeting.held_on,
            "parties": meeting.parties,
            "participant_names": meeting.participant_names,
            "minutes": meeting.minutes,
            "next_meeting_on": meeting.next_meeting_on,
            "recorded_by": _full_name(meeting.recorded_by),
            "edit_url": reverse(EDIT_URL, args=[meeting.pk]) if may_edit else "",
        }
        for meeting in meetings
    ]
    next_due = meetings[0].next_meeting_on if meetings else None
    running = pathway.status == PathwayStatus.ACTIVE
    return {
        "meetings": rows,
        "next_due": next_due if running else None,
        "overdue": bool(running and next_due and next_due < on),
        "record_url": (
            reverse(RECORD_URL, args=[pathway.pk])
            if pathway.activated_on is not None
            and user.has_perm("casework.add_verificationmeeting")
            else ""
        ),
    }


def overdue_verifications(user, *, on=None):
    """Active pathways the user sees whose latest review meeting set a next date now past: the
    latest meeting's date read by a subquery, one query for the page of rows."""
    on = on or deadlines.today()
    latest = VerificationMeeting.objects.filter(pathway=OuterRef("pk")).order_by("-held_on", "-pk")
    return (
        scope(Pathway.objects.filter(status=PathwayStatus.ACTIVE), user, "comune")
        .annotate(next_verification_on=Subquery(latest.values("next_meeting_on")[:1]))
        .filter(next_verification_on__lt=on)
        .select_related("referral__beneficiary", "comune")
        .order_by("next_verification_on", "pk")
    )
