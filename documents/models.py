"""Report runs and the collections where their documents are filed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from network.models import Comune


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Report trimestrale di attività")
    SEMESTER = "semester", _("Report semestrale sugli esiti")
    BUDGET = "budget", _("Verifica del budget")
    INVOICES = "invoices", _("Verifica delle fatture")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In elaborazione")
    DONE = "done", _("Completato")
    FAILED = "failed", _("Non riuscito")


class ReportRun(models.Model):
    """One request for a report: who or which schedule asked, how it went, what it filed."""

    kind = models.CharField(_("tipo di report"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("dal"))
    period_end = models.DateField(_("al"))
    # Empty: the whole programme (filed in the programme collection).
    comune = models.ForeignKey(
        Comune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_runs",
        verbose_name=_("Comune"),
        help_text=_("Lasciare vuoto per l'intero programma."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("richiesto da"),
    )
    schedule_name = models.CharField(_("pianificazione"), max_length=100, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento %"), default=0)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    error = models.TextField(_("errore"), blank=True)
    task_id = models.CharField(_("id attività"), max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("richiesto il"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminato il"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("documento PDF"),
    )
    spreadsheet = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("foglio XLSX"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("report")
        indexes = [models.Index(fields=["status", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
                violation_error_message=_("La fine del periodo precede l'inizio."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_label} – {self.scope_label}"

    @property
    def period_label(self):
        return f"{self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    @property
    def scope_label(self):
        return self.comune.name if self.comune_id else str(_("Intero programma"))

    @property
    def requested_by_label(self):
        if self.schedule_name:
            return self.schedule_name
        if self.requested_by_id:
            return self.requested_by.get_full_name() or self.requested_by.get_username()
        return ""

    @property
    def is_finished(self):
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ReportCollection(models.Model):
    """Ties a Wagtail collection to the Comune whose reports it holds (none: the programme's).

    The serve hook reads this to decide who may open a document filed there."""

    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.CASCADE,
        related_name="report_owner",
        verbose_name=_("raccolta"),
    )
    comune = models.OneToOneField(
        Comune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_collection",
        verbose_name=_("Comune"),
    )

    class Meta:
        verbose_name = _("raccolta dei report")
        verbose_name_plural = _("raccolte dei report")

    def __str__(self):
        return str(self.collection)
