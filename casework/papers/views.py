"""The papers' admin URLs: (re)generate a paper of a pathway (POST, from the pathway's page) and
download one file of one version. A pathway or a paper of a Comune the user does not see is a 404
(``guard_urlpatterns``); each download is audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages

from casework.cases.choices import PaperKind
from casework.cases.models import Pathway
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from . import services
from .access import may_open, record_opening
from .models import PathwayDocument
from .selectors import DOWNLOAD_URL, GENERATE_URL

SECTION_ANCHOR = "#documenti-percorso"


def _pathway_page(pathway_pk):
    return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway_pk]) + SECTION_ANCHOR


class GeneratePaperView(View):
    """POST ``kind``: a new version of that paper, then back to the pathway's page."""

    model = Pathway

    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        pathway = get_object_or_404(scope(Pathway.objects.all(), request.user), pk=pk)
        kind = request.POST.get("kind", "")
        try:
            services.generate_pathway_document(pathway, kind=kind, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            version = (
                PathwayDocument.objects.filter(pathway=pathway, kind=kind)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )
            messages.success(
                request,
                _("%(paper)s preparato: versione %(version)s.")
                % {"paper": PaperKind(kind).label, "version": version},
            )
        return redirect(_pathway_page(pathway.pk))


class DownloadPaperView(View):
    """One file of one version, as an attachment; the opening is an EXPORT in the audit trail."""

    model = PathwayDocument

    def get(self, request, pk):
        paper = get_object_or_404(
            scope(
                PathwayDocument.objects.select_related("pathway", "document"),
                request.user,
                PathwayDocument.comune_path,
            ),
            pk=pk,
        )
        if not may_open(request.user, paper):
            raise PermissionDenied
        record_opening(request.user, paper, "admin")
        document = paper.document
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.filename,
            content_type=document.content_type,
        )


def papers_urlpatterns():
    generate = path(
        "casework/papers/pathway/<int:pk>/generate/",
        GeneratePaperView.as_view(),
        name=GENERATE_URL,
    )
    download = path(
        "casework/papers/document/<int:pk>/",
        DownloadPaperView.as_view(),
        name=DOWNLOAD_URL,
    )
    return guard_urlpatterns(
        [generate], lambda request: scope(Pathway.objects.all(), request.user)
    ) + guard_urlpatterns(
        [download],
        lambda request: scope(
            PathwayDocument.objects.all(), request.user, PathwayDocument.comune_path
        ),
    )
