"""The matching screens: positions for a pathway, people waiting for a position, and placing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import ListingButton

from casework.audit.services import Action, record_event, record_events
from casework.cases.deadlines import WAITING_ACTIVATION
from casework.cases.models import Pathway
from casework.permissions.access import scope
from network.choices import OrganisationStatus, PositionStatus
from network.models import Position
from network.selectors import with_free_seats

from . import services
from .selectors import rank_candidates, rank_positions


def _pathway_edit_url(pathway):
    try:
        return reverse("wagtailsnippets_casework_pathway:edit", args=[pathway.pk])
    except NoReverseMatch:
        return ""


def _place(request, pathway, position):
    """POST handler shared by both screens: place through the service, report the outcome."""
    if not request.user.has_perm("casework.change_pathway"):
        raise PermissionDenied
    try:
        services.place_at_position(pathway, position=position, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    record_event(request.user, Action.CHANGE, pathway, detail="place_at_position")
    messages.success(
        request,
        _("%(person)s collocato/a presso «%(position)s».")
        % {"person": pathway.referral.beneficiary, "position": position},
    )
    return True


class MatchingBaseView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "resubmit"
    required_permissions = ()

    def dispatch(self, request, *args, **kwargs):
        if not all(request.user.has_perm(perm) for perm in self.required_permissions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PathwayMatchingView(MatchingBaseView):
    """Ranked open positions for one pathway; "Colloca qui" places the person."""

    template_name = "casework/matching/pathway_matching.html"
    required_permissions = ("casework.view_pathway",)
    page_title = gettext_lazy("Posizioni adatte")

    def get_pathway(self):
        pathways = scope(
            Pathway.objects.select_related(
                "referral__beneficiary__residence_comune", "position", "host", "comune"
            ),
            self.request.user,
            "comune",
        )
        pathway = pathways.filter(pk=self.kwargs["pk"]).first()
        if pathway is None:
            raise Http404
        return pathway

    def get_page_subtitle(self):
        return str(self.pathway.referral.beneficiary)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        edit_url = _pathway_edit_url(self.pathway)
        if edit_url:
            items.append({"url": edit_url, "label": str(self.pathway)})
        return [*items, {"url": "", "label": _("Posizioni adatte")}]

    def get(self, request, *args, **kwargs):
        self.pathway = self.get_pathway()
        record_event(request.user, Action.VIEW, self.pathway, detail="matching")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.pathway = self.get_pathway()
        position = Position.objects.filter(pk=request.POST.get("position") or 0).first()
        if position is None:
            messages.error(request, _("Scegliere una posizione."))
        else:
            _place(request, self.pathway, position)
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        waiting = self.pathway.status in WAITING_ACTIVATION and self.pathway.position_id is None
        return super().get_context_data(
            pathway=self.pathway,
            person=self.pathway.referral.beneficiary,
            ranked=rank_positions(self.pathway) if waiting else [],
            waiting=waiting,
            can_place=waiting and self.request.user.has_perm("casework.change_pathway"),
            edit_url=_pathway_edit_url(self.pathway),
            **kwargs,
        )


class PositionCandidatesView(MatchingBaseView):
    """People waiting for a match who suit one position (only the user's Comuni)."""

    template_name = "casework/matching/position_candidates.html"
    required_permissions = ("network.view_position", "casework.view_pathway")
    page_title = gettext_lazy("Persone in attesa adatte")

    def get_position(self):
        position = (
            with_free_seats(Position.objects.select_related("host__comune", "reserved_for_comune"))
            .prefetch_related("pathway_types")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if position is None:
            raise Http404
        return position

    def get_page_subtitle(self):
        return str(self.position)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": str(self.position)}]

    def get(self, request, *args, **kwargs):
        self.position = self.get_position()
        response = super().get(request, *args, **kwargs)
        # The list names people: each one shown is an access to their record.
        record_events(
            request.user,
            Action.VIEW,
            (
                {
                    "model": "casework.pathway",
                    "object_id": row.item.pk,
                    "beneficiary_id": row.item.referral.beneficiary_id,
                    "comune_id": row.item.comune_id,
                    "detail": "position_candidates",
                }
                for row in response.context_data["ranked"]
            ),
        )
        return response

    def post(self, request, *args, **kwargs):
        self.position = self.get_position()
        pathway = scope(Pathway.objects.all(), request.user, "comune").filter(
            pk=request.POST.get("pathway") or 0
        )
        pathway = pathway.select_related("referral__beneficiary").first()
        if pathway is None:
            raise Http404
        _place(request, pathway, self.position)
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        position = self.position
        bookable = (
            position.status == PositionStatus.OPEN
            and position.host.status == OrganisationStatus.APPROVED
            and position.free_seats > 0
        )
        return super().get_context_data(
            position=position,
            ranked=rank_candidates(position, user=self.request.user),
            bookable=bookable,
            can_place=bookable and self.request.user.has_perm("casework.change_pathway"),
            **kwargs,
        )


def matching_urlpatterns():
    return [
        path(
            "casi/percorsi/<int:pk>/posizioni-adatte/",
            PathwayMatchingView.as_view(),
            name="casework_pathway_matching",
        ),
        path(
            "rete/posizioni/<int:pk>/persone-in-attesa/",
            PositionCandidatesView.as_view(),
            name="casework_position_candidates",
        ),
    ]


def position_listing_buttons(snippet, user, next_url=None):
    """The "persone in attesa" link on each position of the network's listing."""
    if isinstance(snippet, Position) and user.has_perm("casework.view_pathway"):
        yield ListingButton(
            _("Persone in attesa adatte"),
            url=reverse("casework_position_candidates", args=[snippet.pk]),
            icon_name="resubmit",
            priority=20,
        )
