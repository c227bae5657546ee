"""Staff screens of the moderation queue and the admin-home panel of pending submissions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .choices import OrganisationStatus, PositionStatus
from .forms import DecisionForm
from .models import HostOrganisation, Position
from .selectors import pending_counts

MODERATE_PERMISSIONS = ("network.change_hostorganisation", "network.change_position")


def can_moderate(user):
    return user.is_active and all(user.has_perm(perm) for perm in MODERATE_PERMISSIONS)


def _error_text(error):
    if hasattr(error, "message_dict"):
        return " ".join(" ".join(str(m) for m in msgs) for msgs in error.message_dict.values())
    return " ".join(str(message) for message in error.messages)


class ModerationMixin(WagtailAdminTemplateMixin):
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("network_moderation:index"), "label": _("Richieste da verificare")},
        ]


class ModerationQueueView(ModerationMixin, TemplateView):
    """Pending organisations first (with their pending positions), then pending positions of
    organisations already approved; each with its decision buttons."""

    template_name = "network/admin/moderation_queue.html"
    page_title = gettext_lazy("Richieste da verificare")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        pending_positions = Prefetch(
            "positions",
            queryset=Position.objects.filter(status=PositionStatus.PENDING)
            .prefetch_related("pathway_types")
            .order_by("created_at"),
            to_attr="pending_positions",
        )
        organisations = (
            HostOrganisation.objects.filter(status=OrganisationStatus.PENDING)
            .select_related("comune")
            .prefetch_related(pending_positions)
            .order_by("submitted_at", "pk")
        )
        positions = (
            Position.objects.filter(status=PositionStatus.PENDING)
            .exclude(host__status=OrganisationStatus.PENDING)
            .select_related("host", "host__comune", "reserved_for_comune")
            .prefetch_related("pathway_types")
            .order_by("created_at", "pk")
        )
        return super().get_context_data(
            organisations=organisations,
            positions=positions,
            form=DecisionForm(),
            **kwargs,
        )


class DecisionView(ModerationMixin, TemplateView):
    """GET: the decision form for one object (linked from the listings, e.g. to suspend);
    POST: apply the decision through the service and go back where the user came from."""

    template_name = "network/admin/decision.html"
    model = None

    def get_object(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Decisione su: %(object)s") % {"object": self.object}

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": str(self.object)}]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        status = self.object.status
        is_organisation = isinstance(self.object, HostOrganisation)
        pending = OrganisationStatus.PENDING if is_organisation else PositionStatus.PENDING
        return super().get_context_data(
            object=self.object,
            form=kwargs.pop("form", None) or DecisionForm(),
            next=self.request.POST.get("next") or self.request.GET.get("next", ""),
            can_approve=status != OrganisationStatus.APPROVED
            if is_organisation
            else status == pending,
            can_reject=status == pending,
            can_suspend=is_organisation and status == OrganisationStatus.APPROVED,
            with_positions=is_organisation and status != OrganisationStatus.APPROVED,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                message = self.decide(form.cleaned_data, request.user)
            except ValidationError as error:
                form.add_error("reason", _error_text(error))
            else:
                messages.success(request, message)
                return redirect(self.success_url(request))
        messages.error(request, _("La decisione non è stata registrata."))
        return self.render_to_response(self.get_context_data(form=form))

    def success_url(self, request):
        next_url = request.POST.get("next", "")
        if next_url.startswith("/") and not next_url.startswith("//"):
            return next_url
        return reverse("network_moderation:index")


class OrganisationDecisionView(DecisionView):
    model = HostOrganisation

    def decide(self, data, user):
        organisation, reason = self.object, data["reason"]
        decision = data["decision"]
        if decision == "approve":
            services.approve_organisation(
                organisation, user=user, reason=reason, with_positions=data["with_positions"]
            )
            return _("Ente «%(name)s» approvato.") % {"name": organisation.name}
        if decision == "reject":
            services.reject_organisation(organisation, user=user, reason=reason)
            return _("Ente «%(name)s» respinto.") % {"name": organisation.name}
        services.suspend_organisation(organisation, user=user, reason=reason)
        return _("Ente «%(name)s» sospeso.") % {"name": organisation.name}


class PositionDecisionView(DecisionView):
    model = Position

    def decide(self, data, user):
        position, reason = self.object, data["reason"]
        if data["decision"] == "approve":
            services.approve_position(position, user=user, reason=reason)
            return _("Posizione «%(title)s» pubblicata.") % {"title": position.title}
        if data["decision"] == "reject":
            services.reject_position(position, user=user, reason=reason)
            return _("Posizione «%(title)s» respinta.") % {"title": position.title}
        raise ValidationError(_("Una posizione non si sospende: si sospende l'ente."))


class PendingSubmissionsPanel(Component):
    """On the admin home: how many registrations wait for a decision."""

    name = "network_pending_submissions"
    template_name = "network/admin/home_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        counts = pending_counts()
        context.update(
            counts=counts,
            total=counts["organisations"] + counts["positions"],
            queue_url=reverse("network_moderation:index"),
        )
        return context
