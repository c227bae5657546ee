"""The shape every report takes, whatever its kind: the PDF and the XLSX are both rendered from
one ``Report``, so the two files always carry the same figures."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.money.euro import to_cents
from network.models import Comune

TEXT, INT, MONEY, PERCENT, HOURS, DATE = "text", "int", "money", "percent", "hours", "date"
TENTH = Decimal("0.1")
TOTAL_LABEL = _("Totale")


@dataclass
class Column:
    label: str
    kind: str = INT


@dataclass
class Table:
    sheet: str  # XLSX sheet name: at most 31 characters
    title: str
    columns: list
    rows: list
    total: list | None = None
    note: str = ""
    empty_text: str = str(_("Nessun dato nel periodo."))


@dataclass
class Chart:
    title: str
    categories: list
    series: list  # [(label, [values])]


@dataclass
class Report:
    kind: str
    title: str
    period_start: object
    period_end: object
    scope_label: str
    generated_on: object
    tables: list = field(default_factory=list)
    chart: Chart | None = None
    chart_after: int = 0  # index of the table the chart illustrates
    notes: list = field(default_factory=list)

    @property
    def period_label(self):
        return f"{self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y}"


def money(value):
    # The one rounding of money (half up to the cent) is casework's.
    return to_cents(value)


def hours(value):
    return (value or Decimal("0")).quantize(TENTH, rounding=ROUND_HALF_UP)


def share(part, whole):
    """Percentage with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def comuni_for(comune):
    """The Comuni a report covers, as ``[(id, name)]``: one query."""
    if comune is not None:
        return [(comune.pk, comune.name)]
    return list(Comune.objects.order_by("name").values_list("pk", "name"))


def in_period(field_name, start, end):
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def by_comune(queryset, key="comune"):
    """``{comune_id: row}`` of an aggregate ``values(key).annotate(...)`` queryset."""
    return {row[key]: row for row in queryset}


def sum_column(rows, index):
    values = [row[index] for row in rows if row[index] is not None]
    return sum(values, Decimal("0") if values and isinstance(values[0], Decimal) else 0)
