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
from .invoice_check import invoice_check
from .models import Edition
from .selectors import agenda_budgets, budget_overview, pending_vouchers
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


APPROVE_ALL = "approve_all"


MSG_DECISIONS_SAVED = gettext_lazy(
    "Decisioni registrate: %(approved)d approvati, %(rejected)d respinti."
)


MSG_DECISIONS_REFUSED = gettext_lazy(
    "%(count)d voucher non registrati: il motivo è indicato in cima alla pagina e sulla riga."
)


def _refused_key(meeting):
    return f"casework_meeting_{meeting.pk}_refused"


class MeetingDecisionsView(WagtailAdminTemplateMixin, FormView):
    """The vouchers waiting for the team, one compact row each. Every voucher is decided on its
    own: what its Comune's budget fits is approved, the others stay proposed and are shown at
    the top of the page and on their row with the reason (after the redirect, from the
    session). "Approva tutti quelli che rientrano nel budget" approves the listed vouchers, each
    as long as its budget fits it."""

    model = TeamMeeting
    template_name = "casework/money/meeting_decisions.html"
    form_class = forms_money.MeetingDecisionsForm
    header_icon = "group"
    page_title = gettext_lazy("Decisioni sui voucher")

    def dispatch(self, request, pk, *args, **kwargs):
        _require_decider(request.user)
        self.meeting = get_object_or_404(TeamMeeting, pk=pk)
        self.vouchers = list(pending_vouchers(request.user))
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

    def get(self, request, *args, **kwargs):
        # What the last submission could not save, shown once.
        self.refused = request.session.pop(_refused_key(self.meeting), [])
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["vouchers"] = self.vouchers
        refused = getattr(self, "refused", [])
        kwargs["refused"] = {row["pk"]: row["messages"] for row in refused}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        previous = self.previous_meeting()
        budgets, fits = agenda_budgets(self.request.user, self.vouchers)
        for voucher in self.vouchers:
            voucher.budget_fit, voucher.budget_left = fits[voucher.pk]
        context.update(
            meeting=self.meeting,
            previous=previous,
            since=previous.held_on if previous else None,
            refused=getattr(self, "refused", []),
            budgets=budgets,
            not_fitting=sum(1 for fit, _left in fits.values() if fit is not True),
            decided=self.meeting.vouchers.select_related(
                "pathway__referral__beneficiary", "comune"
            ).order_by("comune__name", "pk"),
            meeting_url=reverse(
                "wagtailsnippets_casework_teammeeting:edit", args=[self.meeting.pk]
            ),
            approve_all=APPROVE_ALL,
        )
        return context

    def post(self, request, *args, **kwargs):
        if APPROVE_ALL in request.POST:
            return self.approve_all()
        return super().post(request, *args, **kwargs)

    def approve_all(self):
        # Only the vouchers the page listed: one proposed meanwhile is decided another time.
        listed = set(self.request.POST.getlist("voucher"))
        vouchers = [v for v in self.vouchers if str(v.pk) in listed]
        try:
            outcome = services.approve_all_that_fit(
                self.meeting, vouchers=vouchers, user=self.request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return redirect(reverse(MEETING_DECISIONS_URL, args=[self.meeting.pk]))
        return self.done(outcome)

    def form_valid(self, form):
        try:
            outcome = services.record_meeting_decisions(
                self.meeting, decisions=form.decisions(), user=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.done(outcome)

    def done(self, outcome):
        if outcome.decided:
            approved = len(outcome.approved)
            messages.success(
                self.request,
                MSG_DECISIONS_SAVED % {"approved": approved, "rejected": len(outcome) - approved},
            )
        if outcome.refused:
            messages.warning(self.request, MSG_DECISIONS_REFUSED % {"count": len(outcome.refused)})
        self.request.session[_refused_key(self.meeting)] = [
            {
                "pk": voucher.pk,
                "person": str(voucher.pathway.referral.beneficiary),
                "messages": [str(m) for m in msgs],
            }
            for voucher, msgs in outcome.refused
        ]
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
