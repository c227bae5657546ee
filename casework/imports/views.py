"""Admin screens of the bulk import: upload, the run's page (progress, then the paginated
preview or the result), confirm / retry / cancel; the empty template; the full exports.

Upload and confirm only record the run and queue a task (``casework.imports.jobs``): they
answer at once whatever the file's size. The uploaded file lives in the default storage
(``ImportRun.upload``) between preview and confirm, so any web process and any worker reads
it; it is deleted as soon as the import is written, cancelled or refused, and abandoned
previews are purged after a day. When the database fails an import the file is kept, for a
day, so that the user can retry it.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.admin_base import add_service_errors, export_permission, import_permission
from casework.audit.services import Action, record_rows

from . import jobs
from .exports import column_requirement, export_response, template_response
from .messages import ERROR, MSG_TOO_LARGE
from .models import ImportRun
from .resources import IMPORT_KINDS, RESOURCES

ROWS_PER_PAGE = 50


LISTING_URLS = {
    "referrals": "wagtailsnippets_casework_referral:list",
    "budgets": "wagtailsnippets_casework_budget:list",
    "people": "wagtailsnippets_casework_beneficiary:list",
    "vouchers": "wagtailsnippets_casework_voucher:list",
}


TEMPLATE_FILE_NAMES = {"referrals": "modello-segnalazioni", "budgets": "modello-budget"}


EXPORT_FILE_NAMES = {
    "referrals": "segnalazioni",
    "budgets": "budget",
    "people": "persone",
    "vouchers": "voucher",
}


FORMATS = ("xlsx", "csv")


def listing_url(kind):
    try:
        return reverse(LISTING_URLS[kind])
    except NoReverseMatch:
        return reverse("wagtailadmin_home")


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _import_kind(kind):
    if kind not in IMPORT_KINDS:
        raise Http404
    return kind


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File CSV o XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_SIZE
        if upload.size > limit:
            raise forms.ValidationError(MSG_TOO_LARGE % {"limit": f"{limit / 1024 / 1024:g}"})
        return upload


class _ImportMixin(WagtailAdminTemplateMixin):
    header_icon = "upload"

    def dispatch(self, request, kind, *args, **kwargs):
        self.kind = _import_kind(kind)
        _require(request, import_permission(self.kind))
        self.resource_class, self.kind_label = RESOURCES[self.kind]
        return super().dispatch(request, kind, *args, **kwargs)

    def get_page_title(self):
        return _("Importa %(what)s") % {"what": str(self.kind_label).lower()}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": listing_url(self.kind), "label": self.kind_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        importer = self.resource_class.importer_class
        context.update(
            kind=self.kind,
            kind_label=self.kind_label,
            listing_url=listing_url(self.kind),
            columns=[(column, column_requirement(column)) for column in importer.columns],
            new_record_columns=[c.label for c in importer.columns if c.required_for_new],
            max_rows=settings.IMPORT_MAX_ROWS,
            max_mb=f"{settings.IMPORT_MAX_UPLOAD_SIZE / 1024 / 1024:g}",
        )
        return context


def _own_run(request, kind, pk):
    """A run is seen only by who uploaded it: any other pk answers 404."""
    return get_object_or_404(ImportRun, pk=pk, kind=kind, user=request.user)


class ImportUploadView(_ImportMixin, View):
    template_name = "casework/imports/upload.html"

    def get(self, request, kind):
        return self.render_to_response(self.get_context_data(form=UploadForm()))

    def post(self, request, kind):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        jobs.purge_stale_runs()
        try:
            run = jobs.start_import(self.kind, upload=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect("casework_imports:run", self.kind, run.pk)


def _percent(run):
    if run.status not in jobs.RUNNING:
        return 100
    if not run.rows_total:
        return 0
    return min(99, run.rows_read * 100 // run.rows_total)


def _page(request, queryset, parameter):
    paginator = Paginator(queryset, ROWS_PER_PAGE)
    return paginator.get_page(request.GET.get(parameter))


class ImportRunView(_ImportMixin, View):
    """The run's page: its progress while a task works on it, then the preview (rows and
    errors, paginated) with Conferma, or the result."""

    template_name = "casework/imports/run.html"

    def get(self, request, kind, pk):
        run = _own_run(request, self.kind, pk)
        context = self.get_context_data(
            run=run,
            running=run.status in jobs.RUNNING,
            percent=_percent(run),
            status_url=reverse("casework_imports:status", args=[self.kind, run.pk]),
            retryable=run.status == ImportRun.Status.FAILED and bool(run.upload),
        )
        if run.status not in jobs.RUNNING:
            rows = run.rows.order_by("line", "pk")
            context["rows_page"] = _page(request, rows, "pagina")
            context["errors_page"] = _page(request, rows.filter(status=ERROR), "pagina_errori")
        return self.render_to_response(context)


class ImportStatusView(_ImportMixin, View):
    """A small JSON the run's page polls (``core/js/job-progress.js``)."""

    def get(self, request, kind, pk):
        run = _own_run(request, self.kind, pk)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": str(run.get_status_display()),
                "rows_read": run.rows_read,
                "rows_total": run.rows_total,
                "percent": _percent(run),
                "finished": run.status not in jobs.RUNNING,
            }
        )


class ImportConfirmView(_ImportMixin, View):
    """Conferma, Riprova and Annulla of a run: each queues or ends it, then shows its page."""

    def post(self, request, kind, pk):
        run = _own_run(request, self.kind, pk)
        try:
            if "cancel" in request.POST:
                jobs.cancel_import(run, user=request.user)
                messages.info(request, _("Importazione annullata: nessuna modifica salvata."))
                return redirect(listing_url(self.kind))
            if "retry" in request.POST:
                jobs.retry_import(run, user=request.user)
            else:
                jobs.confirm_import(run, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("casework_imports:run", self.kind, run.pk)


def template_view(request, kind, fmt):
    kind = _import_kind(kind)
    _require(request, import_permission(kind))
    if fmt not in FORMATS:
        raise Http404
    resource_class, label = RESOURCES[kind]
    return template_response(
        resource_class.importer_class.columns,
        fmt,
        TEMPLATE_FILE_NAMES[kind],
        sheet_title=str(label),
    )


def export_view(request, kind, fmt):
    if kind not in RESOURCES or fmt not in FORMATS:
        raise Http404
    _require(request, export_permission(kind))
    resource = RESOURCES[kind][0](user=request.user)
    queryset = resource.get_queryset()
    # One event per exported record, with its person: the person's access report shows it.
    record_rows(request.user, Action.EXPORT, queryset, detail=f"esportazione completa ({fmt})")
    return export_response(
        resource, queryset, fmt, EXPORT_FILE_NAMES[kind], sheet_title=str(RESOURCES[kind][1])
    )


def urlpatterns():
    return [
        path(
            "importazioni/<slug:kind>/carica/",
            ImportUploadView.as_view(),
            name="upload",
        ),
        path("importazioni/<slug:kind>/<int:pk>/", ImportRunView.as_view(), name="run"),
        path(
            "importazioni/<slug:kind>/<int:pk>/stato.json",
            ImportStatusView.as_view(),
            name="status",
        ),
        path(
            "importazioni/<slug:kind>/conferma/<int:pk>/",
            ImportConfirmView.as_view(),
            name="confirm",
        ),
        path("importazioni/<slug:kind>/modello.<slug:fmt>", template_view, name="template"),
        path("esportazioni/<slug:kind>.<slug:fmt>", export_view, name="export"),
    ]


def register_urls():
    """For the ``register_admin_urls`` hook."""
    return [path("casework/", (urlpatterns(), "casework_imports", "casework_imports"))]
