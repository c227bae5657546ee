"""Admin screens of the money section: the joint team's decisions on vouchers, the budget
overview, the invoice check, and the small action screens on vouchers, tutoring and timesheets.
Each calls ``services`` for every change and reads through ``selectors``, scoped to the user."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import Button

from casework.admin_base import AdminScreenMixin, add_service_errors
from casework.cases.models import Pathway, TeamMeeting
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from . import forms as forms_money
from . import services, transitions
from .access import _require, _require_decider, may_decide
from .choices import VoucherStatus
from .invoice_check import invoice_check
from .models import Edition
from .selectors import budget_overview, pending_vouchers
from .voucher_views import RecordTimesheetView, RecordTutoringView

MONEY_LOG_ACTIONS = [
    ("casework.voucher_approve", gettext_lazy("Voucher approvato"), gettext_lazy("Approvato")),
    ("casework.voucher_reject", gettext_lazy("Voucher respinto"), gettext_lazy("Respinto")),
    ("casework.voucher_cancel", gettext_lazy("Voucher annullato"), gettext_lazy("Annullato")),
    ("casework.voucher_invoiced", gettext_lazy("Voucher fatturato"), gettext_lazy("Fatturato")),
    ("casework.voucher_paid", gettext_lazy("Voucher pagato"), gettext_lazy("Pagato")),
    (
        "casework.budget_amount",
        gettext_lazy("Importo del budget modificato"),
        gettext_lazy("Importo modificato"),
    ),
]


MEETING_DECISIONS_URL = "casework_meeting_decisions"


class MeetingDecisionsView(WagtailAdminTemplateMixin, FormView):
    """The vouchers waiting for the team, approved or rejected in one screen and one transaction;
    each decision is recorded against the meeting and in the voucher's and meeting's history."""

    model = TeamMeeting
    template_name = "casework/money/meeting_decisions.html"
    form_class = forms_money.MeetingDecisionsForm
    header_icon = "group"
    page_title = gettext_lazy("Decisioni sui voucher")

    def dispatch(self, request, pk, *args, **kwargs):
        _require_decider(request.user)
        self.meeting = get_object_or_404(TeamMeeting, pk=pk)
        return super().dispatch(request, pk, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.meeting)

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [
            {
                "url": reverse("wagtailsnippets_casework_teammeeting:edit", args=[self.meeting.pk]),
                "label": str(self.meeting),
            },
            {"url": "", "label": self.page_title},
        ]

    def previous_meeting(self):
        return (
            TeamMeeting.objects.filter(held_on__lt=self.meeting.held_on)
            .order_by("-held_on")
            .first()
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["vouchers"] = pending_vouchers(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        previous = self.previous_meeting()
        context.update(
            meeting=self.meeting,
            previous=previous,
            since=previous.held_on if previous else None,
            decided=self.meeting.vouchers.select_related(
                "pathway__referral__beneficiary", "comune"
            ).order_by("comune__name", "pk"),
            meeting_url=reverse(
                "wagtailsnippets_casework_teammeeting:edit", args=[self.meeting.pk]
            ),
        )
        return context

    def form_valid(self, form):
        decisions = form.decisions()
        try:
            done = services.record_meeting_decisions(
                self.meeting, decisions=decisions, user=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, form.on_notes(error))
            return self.form_invalid(form)
        approved = sum(1 for v in done if v.status == VoucherStatus.APPROVED)
        messages.success(
            self.request,
            _("Decisioni registrate: %(approved)d approvati, %(rejected)d respinti.")
            % {"approved": approved, "rejected": len(done) - approved},
        )
        return redirect(reverse(MEETING_DECISIONS_URL, args=[self.meeting.pk]))


def meeting_agenda_section(request, meeting):
    """The team meeting form's agenda: vouchers waiting for a decision, with the way in."""
    if not request.user.has_perm("casework.view_voucher"):
        return None
    vouchers = pending_vouchers(request.user)
    url = None
    if meeting is not None and may_decide(request.user):
        url = reverse(MEETING_DECISIONS_URL, args=[meeting.pk])
    return {
        "title": _("Voucher in attesa di decisione"),
        "template": "casework/money/_agenda_vouchers.html",
        "context": {"vouchers": vouchers[:20], "total": vouchers.count(), "url": url},
    }


class BudgetOverviewView(AdminScreenMixin, TemplateView):
    template_name = "casework/money/budget_overview.html"
    page_title = gettext_lazy("Situazione dei budget")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, "casework.view_budget")
        return super().dispatch(request, *args, **kwargs)

    def get_edition(self, editions):
        """The one asked for, else the one running today, else the latest (from one query)."""
        wanted = self.request.GET.get("edition")
        today = localdate()
        running = None
        for edition in editions:
            if str(edition.pk) == wanted:
                return edition
            if running is None and edition.starts_on <= today <= edition.ends_on:
                running = edition
        return running or editions[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editions = list(Edition.objects.order_by("-starts_on"))
        edition = self.get_edition(editions) if editions else None
        context.update(editions=editions, edition=edition)
        if edition is not None:
            context.update(budget_overview(self.request.user, edition=edition))
        return context


class InvoiceCheckView(AdminScreenMixin, TemplateView):
    template_name = "casework/money/invoice_check.html"
    page_title = gettext_lazy("Controllo fatture")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, "casework.view_invoice")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET if "comune" in self.request.GET else None
        form = forms_money.InvoiceCheckForm(data, user=self.request.user)
        context["form"] = form
        if data is not None and form.is_valid():
            context["check"] = invoice_check(
                form.cleaned_data["comune"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
            context["comune"] = form.cleaned_data["comune"]
        return context


class PermissionMenuItem(MenuItem):
    permission = None

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class MoneyScreenViewSet(ViewSet):
    """A single screen in the "Budget e voucher" menu, shown to who holds ``permission``."""

    view_class = None
    permission = None

    @property
    def menu_item_class(self):
        return type(
            f"{type(self).__name__}MenuItem", (PermissionMenuItem,), {"permission": self.permission}
        )

    def get_urlpatterns(self):
        return [path("", self.view_class.as_view(), name="index")]


class BudgetOverviewViewSet(MoneyScreenViewSet):
    name = "casework_budget_overview"
    url_prefix = "casework/money/budgets"
    icon = "table"
    menu_label = gettext_lazy("Situazione budget")
    view_class = BudgetOverviewView
    permission = "casework.view_budget"


class InvoiceCheckViewSet(MoneyScreenViewSet):
    name = "casework_invoice_check"
    url_prefix = "casework/money/invoice-check"
    icon = "doc-full"
    menu_label = gettext_lazy("Controllo fatture")
    view_class = InvoiceCheckView
    permission = "casework.view_invoice"


def money_urlpatterns():
    patterns = [
        path(
            "casework/money/meeting/<int:pk>/decisions/",
            MeetingDecisionsView.as_view(),
            name=MEETING_DECISIONS_URL,
        ),
        path(
            "casework/money/pathway/<int:pk>/tutoring/",
            RecordTutoringView.as_view(),
            name="casework_record_tutoring",
        ),
        path(
            "casework/money/pathway/<int:pk>/timesheet/",
            RecordTimesheetView.as_view(),
            name="casework_record_timesheet",
        ),
    ]
    guarded = guard_urlpatterns(
        patterns[1:], lambda request: scope(Pathway.objects.all(), request.user, "comune")
    )
    return patterns[:1] + guarded


def pathway_listing_buttons(snippet, user, next_url=None):
    """Money actions in the "more" menu of each pathway in the pathway list."""
    if not isinstance(snippet, Pathway):
        return
    if transitions.may_take(user, "propose"):
        url = reverse("wagtailsnippets_casework_voucher:add") + f"?pathway={snippet.pk}"
        label = transitions.BY_ACTION["propose"].label
        yield Button(label, url=url, icon_name="doc-full", priority=60)
    if user.has_perm("casework.add_tutoringsession"):
        url = reverse("casework_record_tutoring", args=[snippet.pk])
        yield Button(_("Registra tutoraggio"), url=url, icon_name="user", priority=61)
    if user.has_perm("casework.add_timesheet"):
        url = reverse("casework_record_timesheet", args=[snippet.pk])
        yield Button(_("Registra foglio ore"), url=url, icon_name="date", priority=62)
