"""The privacy screens: a person's access report (JSON, PDF) and the pseudonymised export."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from casework.audit.services import Action, record_event
from casework.cases.models import Beneficiary
from casework.permissions.access import is_programme_manager

from .pdf import access_report_pdf
from .selectors import PSEUDONYMISED_HEADERS, access_report, pseudonymised_rows
from .services import ONLY_PROGRAMME_MANAGER


class AccessExportView(View):
    """The right-of-access export of one person (JSON or PDF), for the programme manager."""

    model = Beneficiary
    fmt = "json"

    def get(self, request, pk):
        if not is_programme_manager(request.user):
            raise PermissionDenied(ONLY_PROGRAMME_MANAGER)
        person = get_object_or_404(Beneficiary, pk=pk)
        data = access_report(person)
        record_event(request.user, Action.EXPORT, person, detail=f"diritto di accesso ({self.fmt})")
        filename = f"accesso-dati-persona-{person.pk}"
        if self.fmt == "json":
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
            return response
        return FileResponse(
            access_report_pdf(data),
            as_attachment=True,
            filename=f"{filename}.pdf",
            content_type="application/pdf",
        )


def pseudonymised_export_view(request):
    """CSV of every person without direct identifiers, for studies and reports that leave the
    programme."""
    from core.spreadsheets import iter_csv

    if not is_programme_manager(request.user):
        raise PermissionDenied(ONLY_PROGRAMME_MANAGER)
    queryset = Beneficiary.objects.all()
    record_event(
        request.user,
        Action.EXPORT,
        model=Beneficiary._meta.label_lower,
        detail=f"esportazione pseudonimizzata ({queryset.count()} persone)",
    )
    response = StreamingHttpResponse(
        iter_csv(PSEUDONYMISED_HEADERS, pseudonymised_rows(queryset)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="persone-pseudonimizzate-{stamp}.csv"'
    return response


ACCESS_JSON_URL_NAME = "casework_privacy_access_json"


ACCESS_PDF_URL_NAME = "casework_privacy_access_pdf"


PSEUDONYMISED_EXPORT_URL_NAME = "casework_privacy_pseudonymised"


def urlpatterns():
    """Person URLs are guarded like every casework pk URL: another Comune's person is a 404."""
    from casework.permissions.access import scope
    from casework.permissions.scoping import guard_urlpatterns

    people = [
        path(
            "casework/privacy/person/<int:pk>/access.json",
            AccessExportView.as_view(fmt="json"),
            name=ACCESS_JSON_URL_NAME,
        ),
        path(
            "casework/privacy/person/<int:pk>/access.pdf",
            AccessExportView.as_view(fmt="pdf"),
            name=ACCESS_PDF_URL_NAME,
        ),
    ]
    guarded = guard_urlpatterns(
        people,
        lambda request: scope(Beneficiary.objects.all(), request.user, "residence_comune"),
    )
    return [
        *guarded,
        path(
            "casework/privacy/people-pseudonymised.csv",
            pseudonymised_export_view,
            name=PSEUDONYMISED_EXPORT_URL_NAME,
        ),
    ]


def beneficiary_listing_buttons(snippet, user, next_url=None):
    """The right-of-access exports in each person's "more" menu, for the programme manager."""
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, Beneficiary) and is_programme_manager(user):
        from django.urls import reverse

        yield ListingButton(
            _("Dati della persona (JSON)"),
            url=reverse(ACCESS_JSON_URL_NAME, args=[snippet.pk]),
            icon_name="download",
            priority=60,
        )
        yield ListingButton(
            _("Dati della persona (PDF)"),
            url=reverse(ACCESS_PDF_URL_NAME, args=[snippet.pk]),
            icon_name="doc-full",
            priority=61,
        )
