"""The papers generated for a pathway (every version kept) and the Word templates they follow."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.cases.choices import PaperKind
from casework.cases.models import Pathway
from casework.permissions.models import USER


class PaperFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word (DOCX)")


def _template_upload_path(instance, filename):
    return f"papers/templates/{instance.kind}/{filename}"


class PaperTemplate(models.Model):
    """A Word template (docxtpl placeholders) of one kind of paper; the active one of its kind is
    used, otherwise the default shipped in ``casework/papers/default_templates``."""

    kind = models.CharField(_("documento"), max_length=30, choices=PaperKind.choices)
    file = models.FileField(_("modello Word (DOCX)"), upload_to=_template_upload_path)
    active = models.BooleanField(
        _("in uso"),
        default=True,
        help_text=_("Un solo modello in uso per documento: attivarne uno disattiva gli altri."),
    )
    uploaded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("caricato da"),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at", "-id"]
        verbose_name = _("modello di documento")
        verbose_name_plural = _("modelli di documento")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(active=True),
                name="paper_template_one_active_per_kind",
            )
        ]

    def __str__(self):
        return str(self.get_kind_display())


class PathwayDocument(models.Model):
    """One file of one version of a pathway's paper: regenerating adds a version, never
    overwrites one. The file is a Wagtail document in the Comune's private collection."""

    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"

    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="papers", verbose_name=_("percorso")
    )
    kind = models.CharField(_("documento"), max_length=30, choices=PaperKind.choices)
    version = models.PositiveIntegerField(_("versione"))
    format = models.CharField(_("formato"), max_length=4, choices=PaperFormat.choices)
    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.PROTECT,
        related_name="pathway_paper",
        verbose_name=_("file"),
    )
    generated_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("generato da"),
    )
    generated_at = models.DateTimeField(_("generato il"), auto_now_add=True)

    class Meta:
        ordering = ["pathway", "kind", "-version", "format"]
        verbose_name = _("documento del percorso")
        verbose_name_plural = _("documenti del percorso")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "kind", "version", "format"],
                name="pathway_document_version_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} ({self.get_format_display()})"
