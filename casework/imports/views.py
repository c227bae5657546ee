"""Admin screens of the bulk import: upload, preview of every row, confirm; the empty template;
the full exports of the resources.

The uploaded file lives in the default storage (``ImportRun.upload``) between preview and
confirm, so the confirming request may reach any web process; it is deleted as soon as the
import is confirmed, cancelled or refused, and abandoned previews are purged after a day. When
the database fails an import the file is kept, for a day, so that the user can retry it.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.admin_base import export_permission, import_permission
from casework.audit.services import Action, record_rows

from .exports import column_requirement, export_response, template_response
from .messages import ERROR, MSG_TOO_LARGE
from .models import ImportRun
from .resources import IMPORT_KINDS, RESOURCES
from .services import import_file

STALE_PREVIEW = datetime.timedelta(days=1)


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


def _purge_stale_previews():
    """Abandoned previews, and files kept for a retry nobody made, must not keep personal data
    in the storage."""
    stale = ImportRun.objects.filter(started_at__lt=timezone.now() - STALE_PREVIEW)
    for run in stale.filter(status=ImportRun.Status.PREVIEW):
        _discard_upload(run, ImportRun.Status.CANCELLED)
    for run in stale.filter(status=ImportRun.Status.FAILED).exclude(upload=""):
        _discard_upload(run)


def _discard_upload(run, status=None):
    if run.upload:
        run.upload.delete(save=False)
    if status:
        run.status = status
    run.save()


def _open(run):
    run.upload.open("rb")
    return getattr(run.upload, "file", run.upload)


class ImportUploadView(_ImportMixin, View):
    template_name = "casework/imports/upload.html"

    def get(self, request, kind):
        return self.render_to_response(self.get_context_data(form=UploadForm()))

    def post(self, request, kind):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        _purge_stale_previews()
        upload = form.cleaned_data["file"]
        run = ImportRun(
            kind=self.kind,
            user=request.user,
            file_name=upload.name[:255],
            status=ImportRun.Status.PREVIEW,
        )
        run.upload.save(upload.name, upload, save=False)
        run.save()
        return _preview(self, request, run)


def _preview(view, request, run):
    """Check the stored file without writing and show every row. A file with errors is deleted
    (it must be corrected and uploaded again); after a database error it is kept, the run
    failed, so that the user can retry (see ``ImportConfirmView``)."""
    outcomes = []
    try:
        result = import_file(
            view.kind,
            _open(run),
            filename=run.file_name,
            user=request.user,
            dry_run=True,
            on_row=outcomes.append,
            run=run,
        )
    finally:
        run.upload.close()
    if result.ok:
        run.status = ImportRun.Status.PREVIEW
        run.save(update_fields=["status"])
    elif not result.failed:
        _discard_upload(run)
    view.template_name = "casework/imports/preview.html"
    return view.render_to_response(
        view.get_context_data(run=run, result=result, outcomes=outcomes, preview=True)
    )


class ImportConfirmView(_ImportMixin, View):
    template_name = "casework/imports/preview.html"

    def post(self, request, kind, pk):
        # A preview to confirm, or a run the database failed whose file was kept for a retry
        # (every other failed run has had its file deleted).
        run = get_object_or_404(
            ImportRun.objects.exclude(upload=""),
            pk=pk,
            kind=self.kind,
            user=request.user,
            status__in=(ImportRun.Status.PREVIEW, ImportRun.Status.FAILED),
        )
        if "cancel" in request.POST:
            _discard_upload(run, ImportRun.Status.CANCELLED)
            messages.info(request, _("Importazione annullata: nessuna modifica salvata."))
            return redirect(listing_url(self.kind))
        if run.status == ImportRun.Status.FAILED:
            # A retry shows the preview again: the data may have changed since it failed.
            return _preview(self, request, run)
        outcomes = []
        try:
            result = import_file(
                self.kind,
                _open(run),
                filename=run.file_name,
                user=request.user,
                on_row=lambda outcome: outcome.status == ERROR and outcomes.append(outcome),
                run=run,
            )
        finally:
            run.upload.close()
        if not result.failed:
            _discard_upload(run)
        if result.ok:
            messages.success(
                request,
                _("File «%(name)s» importato: %(summary)s.")
                % {"name": run.file_name, "summary": result.summary()},
            )
            return redirect(listing_url(self.kind))
        # The data changed since the preview: nothing was written; show why.
        return self.render_to_response(
            self.get_context_data(run=run, result=result, outcomes=outcomes, preview=False)
        )


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
