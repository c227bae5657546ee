"""The record of each import run: who, what file, what came of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.permissions.models import USER

from .messages import MSG_IMPORT_RUNNING


def _import_upload_path(instance, filename):
    import uuid

    # An unguessable name: the file holds personal data until the import is confirmed.
    return f"imports/{uuid.uuid4().hex}.upload"


class ImportRun(models.Model):
    """One import of a file: who, when, which file, what happened. The uploaded file is kept in
    the default storage (shared by every web process) between preview and confirm, then deleted."""

    class Kind(models.TextChoices):
        REFERRALS = "referrals", _("Segnalazioni")
        BUDGETS = "budgets", _("Budget")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Controllo in corso")
        PREVIEW = "preview", _("In anteprima")
        WRITING = "writing", _("Importazione in corso")
        COMPLETED = "completed", _("Importato")
        DRY_RUN = "dry_run", _("Simulazione")
        FAILED = "failed", _("Non importato: righe con errori")
        REFUSED = "refused", _("File rifiutato")
        CANCELLED = "cancelled", _("Annullato")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("utente"),
    )
    source = models.CharField(_("origine"), max_length=20, default="admin")
    file_name = models.CharField(_("nome del file"), max_length=255)
    upload = models.FileField(_("file caricato"), upload_to=_import_upload_path, blank=True)
    status = models.CharField(
        _("esito"), max_length=20, choices=Status.choices, default=Status.PREVIEW
    )
    created = models.PositiveIntegerField(_("creati"), default=0)
    updated = models.PositiveIntegerField(_("aggiornati"), default=0)
    unchanged = models.PositiveIntegerField(_("invariati"), default=0)
    errors = models.PositiveIntegerField(_("righe con errori"), default=0)
    message = models.TextField(_("messaggio"), blank=True)
    started_at = models.DateTimeField(_("avviato il"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("concluso il"), null=True, blank=True)
    # --- the job (see ``casework.imports.jobs``) ---
    # Whose data the run may touch: the uploader's Comuni as ISTAT codes, "*" for every Comune.
    # At most one run of a kind checks or writes per scope at a time (the constraint below).
    scope = models.CharField(_("ambito"), max_length=255, blank=True)
    rows_total = models.PositiveIntegerField(_("righe del file"), default=0)
    rows_read = models.PositiveIntegerField(_("righe lette"), default=0)
    checked_at = models.DateTimeField(_("controllato il"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope"],
                condition=models.Q(status__in=["checking", "writing"]),
                name="casework_importrun_one_running_per_scope",
                violation_error_message=MSG_IMPORT_RUNNING,
            )
        ]
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        # Codenames django-import-export derives from IMPORT_EXPORT_IMPORT/EXPORT_PERMISSION_CODE
        # ("import_<model>", "export_<model>"); Django checks them as "casework.<codename>".
        permissions = [
            ("import_referral", _("Può importare segnalazioni da file")),
            ("import_budget", _("Può importare budget da file")),
            ("export_referral", _("Può esportare le segnalazioni")),
            ("export_beneficiary", _("Può esportare le persone")),
            ("export_budget", _("Può esportare i budget")),
            ("export_voucher", _("Può esportare i voucher")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.file_name} ({self.started_at:%d/%m/%Y %H:%M})"


class ImportRow(models.Model):
    """One row of a run's preview, as the check found it: stored so that the preview page can
    be paginated and read by any web process. Deleted with the file once the run ends; reached
    only through its run, which belongs to its uploader (no Comune of its own to scope by)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("riga"))
    status = models.CharField(_("esito"), max_length=20)
    label = models.CharField(_("dato"), max_length=255, blank=True)
    changes = models.CharField(_("cambiamenti"), max_length=500, blank=True)
    # [[column, message], ...]
    errors = models.JSONField(_("errori"), default=list, blank=True)

    class Meta:
        ordering = ["run", "line", "pk"]
        indexes = [models.Index(fields=["run", "line"], name="casework_importrow_run_line")]
        verbose_name = _("riga importata")
        verbose_name_plural = _("righe importate")

    def __str__(self):
        return f"{self.run_id}:{self.line}"

    @property
    def status_label(self):
        from .messages import OUTCOME_LABELS

        return OUTCOME_LABELS.get(self.status, self.status)
