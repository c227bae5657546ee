"""The matching screens: positions for a pathway, people waiting for a position, and placing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import ListingButton

from casework.audit.services import Action, record_event, record_events
from casework.cases.deadlines import WAITING_ACTIVATION
from casework.cases.models import Pathway
from casework.cases.services.pathways import assignable_positions
from casework.permissions.access import scope
from network.choices import OrganisationStatus, PositionStatus
from network.models import Position
from network.selectors import with_free_seats

from . import services
from .selectors import rank_candidates, rank_positions

MSG_POSITION_NOT_OFFERED = gettext_lazy(
    "Questa posizione non è proponibile per il percorso: è piena, chiusa, di un ente non "
    "approvato, di un'altra tipologia, riservata ad altri residenti o con un orario oltre la "
    "disponibilità della persona."
)


def _pathway_edit_url(pathway):
    try:
        return reverse("wagtailsnippets_casework_pathway:edit", args=[pathway.pk])
    except NoReverseMatch:
        return ""


def _pathway_inspect_url(pathway):
    try:
        return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])
    except NoReverseMatch:
        return _pathway_edit_url(pathway)


def _scoped_pathways(user):
    return scope(
        Pathway.objects.select_related(
            "referral__beneficiary__residence_comune", "position", "host", "comune"
        ),
        user,
        "comune",
    )


def _confirm_url(pathway, position, *, back=""):
    query = {"posizione": position.pk, **({"next": back} if back else {})}
    return f"{reverse('casework_place_confirm', args=[pathway.pk])}?{urlencode(query)}"


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
        pathway = _scoped_pathways(self.request.user).filter(pk=self.kwargs["pk"]).first()
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

    def get_context_data(self, **kwargs):
        waiting = self.pathway.status in WAITING_ACTIVATION and self.pathway.position_id is None
        ranked = rank_positions(self.pathway) if waiting else []
        for row in ranked:
            row.confirm_url = _confirm_url(self.pathway, row.item)
        return super().get_context_data(
            pathway=self.pathway,
            person=self.pathway.referral.beneficiary,
            ranked=ranked,
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

    def get_context_data(self, **kwargs):
        position = self.position
        bookable = (
            position.status == PositionStatus.OPEN
            and position.host.status == OrganisationStatus.APPROVED
            and position.free_seats > 0
        )
        ranked = rank_candidates(position, user=self.request.user)
        for row in ranked:
            row.confirm_url = _confirm_url(row.item, position, back=self.request.path)
        return super().get_context_data(
            position=position,
            ranked=ranked,
            bookable=bookable,
            can_place=bookable and self.request.user.has_perm("casework.change_pathway"),
            **kwargs,
        )


class PlaceConfirmView(MatchingBaseView):
    """The step between "Colloca qui" and the placement: who is placed where, with the hours,
    then "Conferma la collocazione". Only this POST places."""

    template_name = "casework/matching/place_confirm.html"
    model = Pathway  # the record the URL's pk names (the scoping sweep reads it)
    required_permissions = ("casework.view_pathway",)
    page_title = gettext_lazy("Conferma la collocazione")

    def setup_objects(self):
        # Another Comune's pathway is a 404 before anything else, permission included.
        self.pathway = _scoped_pathways(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if self.pathway is None:
            raise Http404
        if not self.request.user.has_perm("casework.change_pathway"):
            raise PermissionDenied
        self.matching_url = reverse("casework_pathway_matching", args=[self.pathway.pk])
        chosen = self.request.POST.get("position") or self.request.GET.get("posizione") or ""
        self.position = (
            with_free_seats(Position.objects.select_related("host__comune"))
            .filter(pk=int(chosen) if chosen.isdigit() else 0)
            .first()
        )
        back = self.request.GET.get("next") or self.request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={self.request.get_host()}, require_https=False
        ):
            back = ""
        self.back_url = back or self.matching_url

    def get_page_subtitle(self):
        return self.pathway.referral.beneficiary.full_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.matching_url, "label": _("Posizioni adatte")},
            {"url": "", "label": _("Conferma la collocazione")},
        ]

    def problem(self):
        """Why the placement cannot be made now (the service re-checks all this when placing)."""
        pathway = self.pathway
        if pathway.status not in WAITING_ACTIVATION:
            return services.MSG_NOT_WAITING_FOR_MATCH
        if pathway.position_id is not None:
            return services.MSG_ALREADY_PLACED
        if not assignable_positions(pathway).filter(pk=self.position.pk).exists():
            return MSG_POSITION_NOT_OFFERED
        return None

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        if self.position is None:
            messages.error(request, _("Scegliere una posizione."))
            return redirect(self.matching_url)
        record_event(request.user, Action.VIEW, self.pathway, detail="place_confirm")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        pathway, position = self.pathway, self.position
        if position is None:
            messages.error(request, _("Scegliere una posizione."))
            return redirect(self.matching_url)
        try:
            services.place_at_position(pathway, position=position, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.back_url)
        record_event(request.user, Action.CHANGE, pathway, detail="place_at_position")
        messages.success(
            request,
            _("%(person)s è stato/a collocato/a presso «%(position)s».")
            % {"person": pathway.referral.beneficiary.full_name, "position": position},
        )
        return redirect(_pathway_inspect_url(pathway))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pathway=self.pathway,
            person=self.pathway.referral.beneficiary,
            position=self.position,
            problem=self.problem(),
            back_url=self.back_url,
            next=self.request.GET.get("next", ""),
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
        path(
            "casi/percorsi/<int:pk>/colloca/",
            PlaceConfirmView.as_view(),
            name="casework_place_confirm",
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
