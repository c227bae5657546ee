"""django-import-export ``Resource`` classes: the columns of every file we read or write.

The same classes serve the admin (import preview, template download, exports) and the
management commands. Exports go through ``resource.export`` / ``export_resource`` as usual;
imports go through ``import_file``, which hands the file to the bulk path in
``casework.imports.messages`` instead of import-export's row-by-row save (see that module for why).
"""

import io

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from casework.cases.models import Beneficiary, Referral
from casework.money.euro import to_cents
from casework.money.models import Budget, Voucher
from casework.permissions.access import scope

from .budgets import BudgetImporter
from .referrals import ReferralImporter

DATE_FORMAT = "%d/%m/%Y"


class ItalianDecimalWidget(widgets.DecimalWidget):
    """Numbers stay numbers in XLSX; in CSV they are written with a decimal comma, as Italian
    Excel reads them."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return "" if not kwargs.get("force_native_type") else None
        value = to_cents(value)
        if kwargs.get("force_native_type"):
            return value
        return f"{value:.2f}".replace(".", ",")


class ChoiceLabelWidget(widgets.Widget):
    """Writes a value as text (a choice arrives as its label, see ``ChoiceField``)."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceField(fields.Field):
    """A choice written with its Italian label («Ricevuta», «Tirocinio»), as the screens show
    it; the import reads labels as well as codes, so an export can still be imported again."""

    def get_value(self, instance):
        *links, last = self.attribute.split("__")
        for link in links:
            instance = getattr(instance, link, None)
            if instance is None:
                return None
        if not getattr(instance, last, None):
            return None
        display = getattr(instance, f"get_{last}_display", None)
        return display() if display else getattr(instance, last)


def _choice(attribute, column_name):
    return ChoiceField(attribute=attribute, column_name=column_name, widget=ChoiceLabelWidget())


def _date(attribute, column_name):
    return fields.Field(
        attribute=attribute,
        column_name=column_name,
        widget=widgets.DateWidget(format=DATE_FORMAT),
    )


def _text(attribute, column_name):
    return fields.Field(attribute=attribute, column_name=column_name, widget=ChoiceLabelWidget())


class ScopedResource(resources.ModelResource):
    """A resource whose queryset is limited to the user's Comuni."""

    scope_field = "comune"
    importer_class = None

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def base_queryset(self):
        return self._meta.model.objects.all()

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.user is not None:
            queryset = scope(queryset, self.user, self.scope_field)
        return queryset

    @classmethod
    def can_import(cls):
        return cls.importer_class is not None

    @classmethod
    def template_headers(cls):
        return cls.importer_class.template_headers()

    def import_file(self, fileobj, *, filename="", dry_run=False, on_row=None):
        """Import a CSV or XLSX file through the bulk path; returns ``importing.ImportResult``."""
        importer = self.importer_class(user=self.user, dry_run=dry_run, on_row=on_row)
        return importer.run(fileobj, filename)

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """django-import-export's entry point, routed through the same bulk path (stock
        row-by-row saving would bypass our checks and be slow); returns an ``ImportResult``."""
        buffer = io.BytesIO(dataset.export("csv").encode("utf-8"))
        result = self.import_file(buffer, filename="dataset.csv", dry_run=dry_run)
        if raise_errors and not result.ok:
            raise ValueError(result.refused or result.summary())
        return result


class ReferralResource(ScopedResource):
    """Columns of the referral file; an export can be re-imported as it is."""

    importer_class = ReferralImporter

    protocollo = _text("protocol", _("Protocollo"))
    comune = _text("comune__name", _("Comune"))
    data_segnalazione = _date("referred_on", _("Data segnalazione"))
    codice_fiscale = _text("beneficiary__tax_code", _("Codice fiscale"))
    cognome = _text("beneficiary__last_name", _("Cognome"))
    nome = _text("beneficiary__first_name", _("Nome"))
    data_nascita = _date("beneficiary__birth_date", _("Data nascita"))
    sesso = _choice("beneficiary__sex", _("Sesso"))
    telefono = _text("beneficiary__phone", _("Telefono"))
    email = _text("beneficiary__email", _("Email"))
    condizione = _choice("beneficiary__employment_condition", _("Condizione"))
    target = _choice("beneficiary__target_group", _("Target"))
    percorso_proposto = _choice("proposed_pathway_type", _("Percorso proposto"))
    assistente_sociale = _text("social_worker_name", _("Assistente sociale"))
    note = _text("reason", _("Note"))
    stato = _choice("status", _("Stato"))
    presa_in_carico_entro = _date("intake_due_on", _("Presa in carico entro"))

    class Meta:
        model = Referral
        fields = export_order = (
            "protocollo",
            "comune",
            "data_segnalazione",
            "codice_fiscale",
            "cognome",
            "nome",
            "data_nascita",
            "sesso",
            "telefono",
            "email",
            "condizione",
            "target",
            "percorso_proposto",
            "assistente_sociale",
            "note",
            "stato",
            "presa_in_carico_entro",
        )
        chunk_size = 2000

    def base_queryset(self):
        return Referral.objects.select_related("comune", "beneficiary").order_by(
            "comune__name", "protocol"
        )


class BeneficiaryResource(ScopedResource):
    """People: registry and contacts (never the confidential notes)."""

    scope_field = "residence_comune"

    codice_fiscale = _text("tax_code", _("Codice fiscale"))
    cognome = _text("last_name", _("Cognome"))
    nome = _text("first_name", _("Nome"))
    data_nascita = _date("birth_date", _("Data nascita"))
    sesso = _choice("sex", _("Sesso"))
    comune = _text("residence_comune__name", _("Comune di residenza"))
    indirizzo = _text("address", _("Indirizzo"))
    telefono = _text("phone", _("Telefono"))
    email = _text("email", _("Email"))
    condizione = _choice("employment_condition", _("Condizione"))
    target = _choice("target_group", _("Target"))

    class Meta:
        model = Beneficiary
        fields = export_order = (
            "codice_fiscale",
            "cognome",
            "nome",
            "data_nascita",
            "sesso",
            "comune",
            "indirizzo",
            "telefono",
            "email",
            "condizione",
            "target",
        )
        chunk_size = 2000

    def base_queryset(self):
        return Beneficiary.objects.select_related("residence_comune").filter(
            anonymised_at__isnull=True
        )


class BudgetResource(ScopedResource):
    """Budgets with what is committed (approved, invoiced, paid vouchers) and what remains."""

    importer_class = BudgetImporter

    comune = _text("comune__name", _("Comune"))
    edizione = _text("edition__name", _("Edizione"))
    importo = fields.Field(
        attribute="amount", column_name=_("Importo"), widget=ItalianDecimalWidget()
    )
    note = _text("notes", _("Note"))
    impegnato = fields.Field(
        attribute="committed", column_name=_("Impegnato"), widget=ItalianDecimalWidget()
    )
    residuo = fields.Field(
        attribute="remaining", column_name=_("Residuo"), widget=ItalianDecimalWidget()
    )

    class Meta:
        model = Budget
        fields = export_order = ("comune", "edizione", "importo", "note", "impegnato", "residuo")

    def base_queryset(self):
        from casework.money.selectors import budget_summary

        return budget_summary()


class VoucherResource(ScopedResource):
    comune = _text("comune__name", _("Comune"))
    edizione = _text("edition__name", _("Edizione"))
    protocollo = _text("pathway__referral__protocol", _("Protocollo"))
    codice_fiscale = _text("pathway__referral__beneficiary__tax_code", _("Codice fiscale"))
    voce = _choice("kind", _("Voce"))
    quantita = fields.Field(
        attribute="quantity", column_name=_("Quantità"), widget=ItalianDecimalWidget()
    )
    netto = fields.Field(attribute="net", column_name=_("Netto"), widget=ItalianDecimalWidget())
    iva = fields.Field(attribute="vat", column_name=_("IVA"), widget=ItalianDecimalWidget())
    lordo = fields.Field(attribute="gross", column_name=_("Lordo"), widget=ItalianDecimalWidget())
    stato = _choice("status", _("Stato"))
    creato_il = _date("created_at", _("Creato il"))

    class Meta:
        model = Voucher
        fields = export_order = (
            "comune",
            "edizione",
            "protocollo",
            "codice_fiscale",
            "voce",
            "quantita",
            "netto",
            "iva",
            "lordo",
            "stato",
            "creato_il",
        )
        chunk_size = 2000

    def dehydrate_creato_il(self, voucher):
        return timezone.localdate(voucher.created_at) if voucher.created_at else None

    def base_queryset(self):
        return Voucher.objects.select_related(
            "comune", "edition", "pathway__referral__beneficiary"
        ).order_by("-created_at", "-pk")


# kind (used in URLs and ImportRun.kind) -> resource, its label and the model it exports.
RESOURCES = {
    "referrals": (ReferralResource, _("Segnalazioni")),
    "budgets": (BudgetResource, _("Budget")),
    "people": (BeneficiaryResource, _("Persone")),
    "vouchers": (VoucherResource, _("Voucher")),
}


IMPORT_KINDS = tuple(
    kind for kind, (resource, _label) in RESOURCES.items() if resource.can_import()
)
