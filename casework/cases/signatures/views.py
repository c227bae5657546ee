"""The signatures section of a pathway's page and its screens: record or withdraw a signature,
upload a signed scan, download one (scoped to the user's Comuni, audited)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from casework.audit.services import Action, record_event
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from ..choices import WAITING_ACTIVATION_STATUSES, PaperKind
from ..models import Pathway
from ..views import ServiceActionView
from . import access, forms, selectors, services
from .choices import Party
from .models import PaperSignature, SignedScan
from .rules import required_papers

RECORD_URL_NAME = "casework_signature_record"
WITHDRAW_URL_NAME = "casework_signature_withdraw"
UPLOAD_URL_NAME = "casework_scan_upload"
DOWNLOAD_URL_NAME = "casework_scan_download"

SIGNATURE_LOG_ACTIONS = [
    ("casework.sign", _("Firma"), _("Firma registrata")),
    ("casework.unsign", _("Ritiro di una firma"), _("Firma ritirata")),
    ("casework.scan", _("Scansione firmata"), _("Scansione firmata caricata")),
]


def section_url(pathway_pk):
    return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway_pk]) + "#firme"


class PathwaySignatureMixin:
    model = Pathway
    header_icon = "doc-full"

    def get_success_url(self):
        return section_url(self.object.pk)

    def get_cancel_url(self):
        return section_url(self.object.pk)


class RecordSignatureView(PathwaySignatureMixin, ServiceActionView):
    form_class = forms.SignatureForm
    page_title = _("Registra una firma")
    success_message = _("Firma registrata.")

    def has_permission(self, user):
        return user.has_perm("casework.view_pathway")

    def get_form(self, form_class=None):
        if not access.can_record(self.request.user, self.object):
            raise PermissionDenied
        return super().get_form(form_class)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "pathway": self.object,
            "parties": access.recordable_parties(self.request.user, self.object),
        }

    def get_initial(self):
        from ..deadlines import today

        return {
            "kind": self.request.GET.get("kind"),
            "party": self.request.GET.get("party"),
            "signed_on": today(),
        }

    def perform(self, data):
        return services.record_signature(self.object, user=self.request.user, **data)


class WithdrawSignatureView(ServiceActionView):
    model = PaperSignature
    scope_field = "pathway__comune"
    form_class = forms.WithdrawSignatureForm
    page_title = _("Ritira una firma")
    success_message = _("Firma ritirata.")
    header_icon = "doc-full"

    def has_permission(self, user):
        return user.has_perm("casework.view_pathway")

    def get_form(self, form_class=None):
        if not access.can_record(self.request.user, self.object.pathway, self.object.party):
            raise PermissionDenied
        return super().get_form(form_class)

    def get_page_subtitle(self):
        return f"{self.object} – {self.object.pathway}"

    def get_success_url(self):
        return section_url(self.object.pathway_id)

    def get_cancel_url(self):
        return section_url(self.object.pathway_id)

    def perform(self, data):
        return services.withdraw_signature(
            self.object, reason=data["reason"], user=self.request.user
        )


class UploadScanView(PathwaySignatureMixin, ServiceActionView):
    template_name = "casework/signatures/scan_form.html"
    form_class = forms.SignedScanForm
    page_title = _("Carica la scansione firmata")
    success_message = _("Scansione caricata.")

    def has_permission(self, user):
        return access.manages_papers(user)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "pathway": self.object,
            "max_mb": services.max_scan_bytes() // (1024 * 1024),
        }

    def get_initial(self):
        return {"kind": self.request.GET.get("kind")}

    def perform(self, data):
        return services.upload_signed_scan(
            self.object, kind=data["kind"], file=data["file"], user=self.request.user
        )


class DownloadScanView(View):
    """Hands out one signed scan to whoever sees the pathway, leaving an AuditEvent VIEW."""

    model = SignedScan

    def get(self, request, pk):
        if not request.user.has_perm("casework.view_pathway"):
            raise PermissionDenied
        queryset = scope(
            SignedScan.objects.select_related("pathway"), request.user, "pathway__comune"
        )
        scan = get_object_or_404(queryset, pk=pk)
        try:
            handle = scan.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        record_event(request.user, Action.VIEW, scan, detail="signed scan download")
        response = FileResponse(
            handle, as_attachment=True, filename=scan.original_name, content_type=scan.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def signature_urlpatterns():
    pathway_urls = [
        path(
            "casework/pathway/<int:pk>/signatures/record/",
            RecordSignatureView.as_view(),
            name=RECORD_URL_NAME,
        ),
        path(
            "casework/pathway/<int:pk>/signatures/scan/",
            UploadScanView.as_view(),
            name=UPLOAD_URL_NAME,
        ),
    ]
    withdraw = path(
        "casework/signature/<int:pk>/withdraw/",
        WithdrawSignatureView.as_view(),
        name=WITHDRAW_URL_NAME,
    )
    download = path(
        "casework/signed-scan/<int:pk>/", DownloadScanView.as_view(), name=DOWNLOAD_URL_NAME
    )
    return (
        guard_urlpatterns(
            pathway_urls, lambda request: scope(Pathway.objects.all(), request.user, "comune")
        )
        + guard_urlpatterns(
            [withdraw],
            lambda request: scope(PaperSignature.objects.all(), request.user, "pathway__comune"),
        )
        + guard_urlpatterns(
            [download],
            lambda request: scope(SignedScan.objects.all(), request.user, "pathway__comune"),
        )
    )


def _who(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def signatures_section(pathway, user):
    """The context of the pathway page's "Firme" section (``_pathway_signatures.html``)."""
    signatures = selectors.current_signatures(pathway)
    scans = selectors.scans_by_kind(pathway)
    may_record = access.can_record(user, pathway)
    open_for_signing = pathway.status in (*WAITING_ACTIVATION_STATUSES, "active")
    may_withdraw = pathway.status in WAITING_ACTIVATION_STATUSES
    record_url = reverse(RECORD_URL_NAME, args=[pathway.pk])
    upload_url = (
        reverse(UPLOAD_URL_NAME, args=[pathway.pk]) if access.can_upload(user, pathway) else None
    )
    papers = []
    for kind, parties in required_papers(pathway):
        cells = []
        for party in Party:
            signature = signatures.get((kind, party))
            cell = {"party": party, "required": party in parties, "signature": signature}
            if signature is not None:
                cell["recorded_by"] = _who(signature.recorded_by)
                # The person signs as themselves: their name when none was typed.
                cell["signer"] = signature.signer_name or (
                    str(pathway.referral.beneficiary) if party == Party.PERSON else ""
                )
                if may_withdraw and access.can_record(user, pathway, party):
                    cell["withdraw_url"] = reverse(WITHDRAW_URL_NAME, args=[signature.pk])
            elif (
                party in parties
                and open_for_signing
                and access.can_record(user, pathway, party)
                and (party != Party.HOST or pathway.host_id is not None)
            ):
                cell["record_url"] = f"{record_url}?kind={kind}&party={party}"
            cells.append(cell)
        papers.append(
            {
                "kind": kind,
                "label": PaperKind(kind).label,
                "cells": cells,
                "scans": [
                    {
                        "scan": scan,
                        "url": reverse(DOWNLOAD_URL_NAME, args=[scan.pk]),
                        "by": _who(scan.uploaded_by),
                    }
                    for scan in scans.get(kind, [])
                ],
                "upload_url": f"{upload_url}?kind={kind}" if upload_url else None,
            }
        )
    return {
        "signatures": {
            "parties": list(Party),
            "papers": papers,
            "missing_message": selectors.missing_message(pathway, signatures),
            "record_url": record_url if may_record and open_for_signing else None,
            "upload_url": upload_url,
            "needs_host": pathway.host_id is None
            and any(Party.HOST in parties for _kind, parties in required_papers(pathway)),
        }
    }
