"""The download of a team meeting's minutes (``casework.money.minutes``), audited; and the ways
to it: a button on each meeting of the list and in the meeting's agenda."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.widgets.button import Button

from casework.cases.models import TeamMeeting

from .minutes import (
    audit_minutes,
    meeting_minutes,
    minutes_comuni_label,
    minutes_filename,
    minutes_pdf,
)

MINUTES_URL = "casework_meeting_minutes"

MINUTES_LABEL = gettext_lazy("Scarica il verbale (PDF)")


def may_download(user):
    return user.has_perm("casework.view_teammeeting")


class MeetingMinutesView(View):
    """The PDF: whole for the programme manager and the agency, the extract of their Comuni for a
    social worker (see ``casework.money.minutes``)."""

    model = TeamMeeting  # the meeting is no Comune's; what it shows is scoped per user

    def get(self, request, pk):
        if not may_download(request.user):
            raise PermissionDenied
        meeting = get_object_or_404(TeamMeeting, pk=pk)
        data = meeting_minutes(meeting, request.user)
        label = "" if data["full"] else minutes_comuni_label(request.user)
        pdf = minutes_pdf(data, comuni_label=label)
        audit_minutes(request.user, data)
        return FileResponse(
            pdf,
            as_attachment=True,
            filename=minutes_filename(meeting),
            content_type="application/pdf",
        )


def minutes_urlpatterns():
    return [
        path(
            "casework/money/meeting/<int:pk>/minutes.pdf",
            MeetingMinutesView.as_view(),
            name=MINUTES_URL,
        )
    ]


def meeting_listing_buttons(snippet, user, next_url=None):
    """ "Scarica il verbale (PDF)" on each team meeting of the list."""
    if isinstance(snippet, TeamMeeting) and may_download(user):
        url = reverse(MINUTES_URL, args=[snippet.pk])
        yield Button(str(MINUTES_LABEL), url=url, icon_name="download", priority=30)


def meeting_minutes_section(request, meeting):
    """The saved meeting's form offers its minutes too."""
    if meeting is None or not may_download(request.user):
        return None
    return {
        "title": _("Verbale"),
        "template": "casework/money/_agenda_minutes.html",
        "context": {"url": reverse(MINUTES_URL, args=[meeting.pk])},
    }
