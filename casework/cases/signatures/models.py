"""Who signed which paper of a pathway, and the signed scans (kept privately, outside the media
folder: only ``views.DownloadScanView`` hands them out, scoped and audited)."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.permissions.models import USER
from network.models import HostOrganisation

from ..choices import PaperKind
from ..models import Pathway
from .choices import Party


class PrivateScanStorage(FileSystemStorage):
    """Files under ``settings.SIGNED_SCANS_ROOT`` (outside MEDIA_ROOT), with no public URL."""

    @property
    def base_location(self):
        return str(settings.SIGNED_SCANS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Signed scans have no public URL: use the download view.")


def _scan_upload_path(instance, filename):
    """A random name keeping only the extension the content was recognised as."""
    extension = os.path.splitext(filename)[1].lower()
    return f"{instance.pathway_id}/{uuid.uuid4().hex}{extension}"


class PaperSignature(models.Model):
    """One party's signature of one paper. A withdrawn signature stays, marked, for the record."""

    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"

    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("percorso")
    )
    kind = models.CharField(_("documento"), max_length=30, choices=PaperKind.choices)
    party = models.CharField(_("parte"), max_length=20, choices=Party.choices)
    # The host that signed (a host's signature counts for the pathway's host only).
    host = models.ForeignKey(
        HostOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ente ospitante"),
    )
    signed_on = models.DateField(_("firmato il"))
    signer_name = models.CharField(_("firmatario"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registrata da"),
    )
    recorded_at = models.DateTimeField(_("registrata il"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("ritirata il"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ritirata da"),
    )
    withdrawal_reason = models.TextField(_("motivo del ritiro"), blank=True)

    class Meta:
        verbose_name = _("firma")
        verbose_name_plural = _("firme")
        ordering = ["pathway", "kind", "party", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "kind", "party"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="paper_signature_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.get_party_display()}"


class SignedScan(models.Model):
    """The scan of a signed paper; a new upload does not replace the older ones."""

    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"

    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="signed_scans", verbose_name=_("percorso")
    )
    kind = models.CharField(_("documento"), max_length=30, choices=PaperKind.choices)
    file = models.FileField(
        _("file"), storage=PrivateScanStorage(), upload_to=_scan_upload_path, max_length=255
    )
    original_name = models.CharField(_("nome del file caricato"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=50)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    uploaded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("caricata da"),
    )
    uploaded_at = models.DateTimeField(_("caricata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("scansione firmata")
        verbose_name_plural = _("scansioni firmate")
        ordering = ["pathway", "kind", "-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.original_name}"
