"""Admin screens for reports: the runs (a snippet with "Genera ora") and, in ``monitor.py``, the
read-only django-q2 task monitor."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.action_menu import ActionMenuItem
from wagtail.snippets.views.snippets import CreateView, IndexView, InspectView, SnippetViewSet

from casework.permissions.scoping import ScopedAdminForm, ScopedViewSetMixin

from . import services
from .models import ReportKind, ReportRun
from .periods import previous_quarter

MESSAGE_QUEUED = _("Report messo in coda: la pagina si aggiorna da sola fino al termine.")
MESSAGE_NOT_QUEUED = _("Il report non è stato messo in coda: correggere gli errori indicati.")
EMPTY = "—"


class ReportRunPermissionPolicy(ModelPermissionPolicy):
    """A run is a record of what happened: it is requested, never edited or deleted by hand."""

    def user_has_permission(self, user, action):
        if action in ("change", "delete", "lock", "unlock", "publish"):
            return False
        return super().user_has_permission(user, action)


class ReportRunForm(ScopedAdminForm):
    """The request form; the rules are the service's, so the form asks it before saving."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            start, end = previous_quarter(_today())
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)
            self.initial.setdefault("kind", ReportKind.QUARTERLY)
        if "comune" in self.fields:
            self.fields["comune"].empty_label = _("Intero programma")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_request(
                data.get("kind"),
                data.get("period_start"),
                data.get("period_end"),
                data.get("comune"),
                self.for_user,
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


def _today():
    from django.utils import timezone

    return timezone.localdate()


URL_NAMESPACE = "wagtailsnippets_documents_reportrun"
STATUS_URL_NAME = f"{URL_NAMESPACE}:status"
INSPECT_URL_NAME = f"{URL_NAMESPACE}:inspect"


class StatusColumn(Column):
    cell_template_name = "documents/cells/status.html"

    @property
    def media(self):
        return forms.Media(js=["core/js/job-progress.js"])

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status_url"] = reverse(STATUS_URL_NAME, args=[instance.pk])
        return context


class FilesColumn(Column):
    cell_template_name = "documents/cells/files.html"


class ReportRunIndexView(IndexView):
    def get_edit_url(self, instance):
        # Runs are never edited: the title opens the run's page (status and files).
        return self.get_inspect_url(instance)

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("comune", "requested_by", "document", "spreadsheet")
        )

    @property
    def add_item_label(self):
        return _("Genera ora")


class GenerateMenuItem(ActionMenuItem):
    """The create form's only button: the run is queued, not "saved"."""

    name = "action-generate"
    label = _("Genera ora")
    icon_name = "resubmit"
    template_name = "documents/action_menu/generate.html"


def use_generate_button(menu_items, request, context):
    """``construct_snippet_action_menu``: on the report request form, "Genera ora" replaces
    "Salva"."""
    if context.get("model") is ReportRun and context.get("view") == "create":
        menu_items[:] = [GenerateMenuItem(order=0)]


class ReportRunCreateView(CreateView):
    # Wagtail's generic "%(model_name)s could not be created" glues the name and gets the gender
    # wrong in Italian: the report's own sentence instead.
    error_message = MESSAGE_NOT_QUEUED

    def get_page_title(self):
        return _("Genera un report")

    def save_instance(self):
        data = self.form.cleaned_data
        return services.request_report(
            data["kind"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            comune=data.get("comune"),
            user=self.request.user,
        )

    def save_action(self):
        messages.success(self.request, MESSAGE_QUEUED)
        return redirect(INSPECT_URL_NAME, self.object.pk)


class ReportRunInspectView(InspectView):
    template_name = "documents/reportrun_inspect.html"
    regenerate_url_name = None

    def get_comune_display_value(self):
        return self.object.scope_label

    def get_requested_by_display_value(self):
        return self.object.requested_by_label if not self.object.schedule_name else EMPTY

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return EMPTY if value in (None, "") else value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = self.object
        context["status_url"] = reverse(STATUS_URL_NAME, args=[self.object.pk])
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            context["regenerate_url"] = reverse(self.regenerate_url_name, args=[self.object.pk])
        return context


class ReportRunViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = ReportRun
    scope_field = "comune"
    icon = "doc-full-inverse"
    menu_label = _("Report")
    menu_order = 300
    add_to_admin_menu = True
    inspect_view_enabled = True
    index_view_class = ReportRunIndexView
    add_view_class = ReportRunCreateView
    inspect_view_class = ReportRunInspectView
    inspect_view_fields = [
        "kind",
        "period_start",
        "period_end",
        "comune",
        "requested_by",
        "schedule_name",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
    ]

    list_display = [
        "__str__",
        StatusColumn("status", label=_("Stato")),
        FilesColumn("files", label=_("File")),
        Column("requested_by_label", label=_("Richiesto da")),
        "created_at",
    ]
    list_filter = ["kind", "status", "comune"]
    search_fields = ["comune__name", "schedule_name", "error"]
    list_per_page = 25
    ordering = ["-created_at", "-id"]
    edit_handler = ObjectList(
        [
            FieldPanel("kind"),
            FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
            # 18 Comuni: a plain list, whose empty choice reads "Intero programma".
            FieldPanel("comune", widget=forms.Select),
        ],
        base_form_class=ReportRunForm,
    )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            regenerate_url_name=self.get_url_name("regenerate"),
            **kwargs,
        )

    def status_view(self, request, pk):
        """Polled by the progress script: status only, never personal data."""
        run = get_object_or_404(self.scoped_queryset(request), pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": str(run.get_status_display()),
                "progress": run.progress,
                "finished": run.is_finished,
            }
        )

    def regenerate_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        original = get_object_or_404(self.scoped_queryset(request), pk=pk)
        try:
            run = services.request_report(
                original.kind,
                period_start=original.period_start,
                period_end=original.period_end,
                comune=original.comune,
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.get_url_name("inspect"), pk)
        messages.success(request, MESSAGE_QUEUED)
        return redirect(self.get_url_name("inspect"), run.pk)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("status/<str:pk>/", self.status_view, name="status"),
            path("regenerate/<str:pk>/", require_POST(self.regenerate_view), name="regenerate"),
        ]
