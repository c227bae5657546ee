from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from .choices import Complexity, OrganisationKind, OrganisationStatus, PathwayType, PositionStatus
from .codice_fiscale import normalize, validate_organisation_code
from .text import (
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TASKS_MAX_LENGTH,
    max_length_validator,
    multi_line,
    single_line,
)


class Comune(models.Model):
    """One of the 18 Comuni of Valle Trompia; rows come from a data migration."""

    istat_code = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    name = models.CharField(_("nome"), max_length=100, unique=True)
    cadastral_code = models.CharField(_("codice catastale"), max_length=4, unique=True)
    province = models.CharField(_("provincia"), max_length=2, default="BS")
    neighbours = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        verbose_name=_("Comuni vicini"),
        help_text=_("Usati per proporre posizioni nei Comuni confinanti."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("Comune")
        verbose_name_plural = _("Comuni")

    def __str__(self):
        return self.name


class PathwayTypeOption(models.Model):
    """The four pathway types as rows, so a position can suit several and be filtered by join."""

    code = models.CharField(
        _("codice"), max_length=20, primary_key=True, choices=PathwayType.choices
    )
    label = models.CharField(_("nome"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("ordine"))

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("tipologia di percorso")
        verbose_name_plural = _("tipologie di percorso")

    def __str__(self):
        return str(self.label)


class HostOrganisation(models.Model):
    name = models.CharField(_("denominazione"), max_length=200)
    kind = models.CharField(_("tipologia"), max_length=20, choices=OrganisationKind.choices)
    tax_code = models.CharField(
        _("codice fiscale o partita IVA"),
        max_length=16,
        unique=True,
        validators=[validate_organisation_code],
    )
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        related_name="host_organisations",
        verbose_name=_("Comune"),
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    contact_person = models.CharField(_("referente"), max_length=150)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    # A TextField does not check a max_length: the validator does, and being no database
    # attribute it needs no change to the table (the public form sets the same limit).
    public_description = models.TextField(
        _("descrizione pubblica"),
        blank=True,
        validators=[max_length_validator(DESCRIPTION_MAX_LENGTH)],
        help_text=_("Testo che l'ente accetta di pubblicare nell'elenco della rete."),
    )
    publish_contacts = models.BooleanField(
        _("pubblica i contatti"),
        default=False,
        help_text=_("L'ente acconsente a mostrare email e telefono nella pagina pubblica."),
    )
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    status_reason = models.TextField(
        _("motivazione dello stato"),
        blank=True,
        validators=[max_length_validator(REASON_MAX_LENGTH)],
    )
    agreement_starts_on = models.DateField(_("convenzione dal"), null=True, blank=True)
    # The trainees an organisation may host at once follow its headcount (DGR Lombardia
    # n. 7763 del 17/01/2018); unknown: the limit is not checked.
    employees = models.PositiveIntegerField(
        _("numero di dipendenti"),
        null=True,
        blank=True,
        help_text=_(
            "Dipendenti della sede: stabilisce quanti tirocinanti l'ente può accogliere "
            "contemporaneamente (DGR Lombardia n. 7763 del 17/01/2018)."
        ),
    )
    agreement_ends_on = models.DateField(_("convenzione al"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("registrato il"), auto_now_add=True)
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deciso da"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("ente ospitante")
        verbose_name_plural = _("enti ospitanti")
        indexes = [models.Index(fields=["status", "comune"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreement_ends_on__isnull=True)
                | models.Q(agreement_starts_on__isnull=True)
                | models.Q(agreement_ends_on__gte=models.F("agreement_starts_on")),
                name="host_agreement_dates_ordered",
                violation_error_message=_("La fine della convenzione precede l'inizio."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.tax_code = normalize(self.tax_code)
        # The public form refuses control characters; a row that has them anyway (an older
        # submission, an import) is cleaned here so a decision on it can still be saved.
        for field in ("name", "address", "contact_person", "phone"):
            setattr(self, field, single_line(getattr(self, field)))
        self.public_description = multi_line(self.public_description)
        self.status_reason = multi_line(self.status_reason)


class Position(models.Model):
    host = models.ForeignKey(
        HostOrganisation, on_delete=models.CASCADE, related_name="positions", verbose_name=_("ente")
    )
    title = models.CharField(_("titolo"), max_length=200)
    tasks = models.TextField(
        _("mansioni"),
        blank=True,
        validators=[max_length_validator(TASKS_MAX_LENGTH)],
    )
    pathway_types = models.ManyToManyField(
        PathwayTypeOption, related_name="positions", verbose_name=_("tipologie di percorso adatte")
    )
    complexity = models.CharField(
        _("complessità"), max_length=10, choices=Complexity.choices, default=Complexity.SIMPLE
    )
    hours_per_week = models.DecimalField(
        _("ore settimanali"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    seats = models.PositiveSmallIntegerField(
        _("posti"), default=1, validators=[MinValueValidator(1)]
    )
    reserved_for_comune = models.ForeignKey(
        Comune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reserved_positions",
        verbose_name=_("riservata ai residenti di"),
    )
    available_from = models.DateField(_("disponibile dal"), null=True, blank=True)
    available_to = models.DateField(_("disponibile fino al"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=PositionStatus.choices, default=PositionStatus.PENDING
    )
    status_reason = models.TextField(
        _("motivazione dello stato"),
        blank=True,
        validators=[max_length_validator(REASON_MAX_LENGTH)],
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["host__name", "title"]
        verbose_name = _("posizione")
        verbose_name_plural = _("posizioni")
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available_to__isnull=True)
                | models.Q(available_from__isnull=True)
                | models.Q(available_to__gte=models.F("available_from")),
                name="position_availability_ordered",
                violation_error_message=_(
                    "La data di fine disponibilità precede quella di inizio."
                ),
            )
        ]

    def __str__(self):
        return f"{self.title} – {self.host}"

    def clean(self):
        self.title = single_line(self.title)
        self.tasks = multi_line(self.tasks)
        self.status_reason = multi_line(self.status_reason)


RICH_TEXT = ["bold", "italic", "link", "ol", "ul"]


class DirectoryPage(RoutablePageMixin, Page):
    """The public list of the network: approved organisations and their open positions, with a
    detail page for each organisation under ``ente/<id>/``."""

    intro = RichTextField(_("introduzione"), blank=True, features=RICH_TEXT)
    empty_text = models.CharField(
        _("testo quando non ci sono risultati"),
        max_length=255,
        default="Nessun ente corrisponde ai filtri scelti.",
    )
    per_page = models.PositiveSmallIntegerField(
        _("enti per pagina"), default=20, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("empty_text"),
        FieldPanel("per_page"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("elenco della rete")

    @path("")
    def directory(self, request):
        from .views import directory_view

        return directory_view(self, request)

    @path("ente/<int:pk>/")
    def organisation(self, request, pk):
        from .views import organisation_view

        return organisation_view(self, request, pk)

    def organisation_url(self, organisation):
        return self.url + self.reverse_subpage("organisation", kwargs={"pk": organisation.pk})


class RegistrationPage(RoutablePageMixin, Page):
    """The public form through which an organisation offers one or more positions."""

    intro = RichTextField(_("introduzione"), blank=True, features=RICH_TEXT)
    privacy_text = RichTextField(
        _("informativa sul trattamento dei dati"), blank=True, features=RICH_TEXT
    )
    thanks_title = models.CharField(
        _("titolo della conferma"), max_length=150, default="Richiesta ricevuta"
    )
    thanks_text = RichTextField(
        _("testo della conferma"),
        blank=True,
        features=RICH_TEXT,
        default="<p>Grazie. Il personale del programma verificherà la richiesta e risponderà "
        "all'indirizzo email indicato.</p>",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("privacy_text"),
        FieldPanel("thanks_title"),
        FieldPanel("thanks_text"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("registrazione degli enti")

    @path("")
    def form(self, request):
        from .views import registration_view

        return registration_view(self, request)

    @path("grazie/")
    def thanks(self, request):
        from .views import registration_thanks_view

        return registration_thanks_view(self, request)

    def thanks_url(self):
        return self.url + self.reverse_subpage("thanks")
