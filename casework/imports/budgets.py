"""Importing Comune budgets: one row per Comune and edition."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.audit.services import Action, record_events
from casework.money.models import Budget, Edition
from casework.money.services import check_budget_amount

from .base import BaseImporter, RowOutcome
from .messages import (
    CHANGED,
    ERROR,
    MSG_REPEATED,
    MSG_REQUIRED,
    MSG_UNKNOWN_EDITION,
    NEW,
    UNCHANGED,
)
from .parsing import clean_text, fold, max_amount, parse_amount
from .reading import Column


def edition_key(value):
    """'2016-2017', '2016/2017', '2016 2017' and '2016-17' name the same edition."""
    digits = re.sub(r"\D", "", clean_text(value))
    if len(digits) == 6:
        digits = digits[:4] + digits[:2] + digits[4:]
    return digits or fold(value)


class BudgetImporter(BaseImporter):
    """A budget per row, keyed by Comune + edizione."""

    kind = "budgets"
    columns = (
        Column(
            "comune",
            required=True,
            heading=gettext_lazy("Comune"),
            help=gettext_lazy("nome o codice ISTAT del Comune"),
        ),
        Column(
            "edizione",
            required=True,
            aliases=("anno", "periodo"),
            heading=gettext_lazy("Edizione"),
            help=gettext_lazy("ad esempio 2026-2027"),
        ),
        Column(
            "importo",
            required=True,
            aliases=("budget", "importo budget", "importo euro"),
            heading=gettext_lazy("Importo"),
            help=gettext_lazy("in euro, ad esempio 12.500,00"),
        ),
        Column("note", aliases=("criteri", "criteri di utilizzo"), heading=gettext_lazy("Note")),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.editions = {edition_key(e.name): e for e in Edition.objects.all()}
        amount = Budget._meta.get_field("amount")
        self.amount_places = amount.decimal_places
        self.amount_maximum = max_amount(amount)
        # Bounded by Comuni x editions, however long the file: any further row is a repeat.
        self.seen = set()

    def parse_row(self, row):
        values = row.values
        values["comune"] = self.comune(row)
        edition = None
        if not row.has("edizione"):
            row.error("edizione", MSG_REQUIRED)
        else:
            edition = self.editions.get(edition_key(row.raw["edizione"]))
            if edition is None:
                row.error(
                    "edizione", MSG_UNKNOWN_EDITION % {"value": clean_text(row.raw["edizione"])}
                )
        values["edizione"] = edition
        values["importo"] = row.parse("importo", self.parse_amount, required=True)
        values["note"] = clean_text(row.raw.get("note"))

    def parse_amount(self, value):
        return parse_amount(value, decimal_places=self.amount_places, maximum=self.amount_maximum)

    def apply_chunk(self, rows):
        from casework.money.selectors import budget_summary

        valid = [row for row in rows if not row.errors]
        existing = {}
        if valid:
            comune_ids = {row.values["comune"].pk for row in valid}
            edition_ids = {row.values["edizione"].pk for row in valid}
            existing = {
                (b.comune_id, b.edition_id): b
                # Locked like a voucher approval locks its budget, so that an amount lowered here
                # and a voucher approved meanwhile cannot together overspend.
                for b in budget_summary()
                .filter(comune_id__in=comune_ids, edition_id__in=edition_ids)
                .select_related(None)
                .select_for_update(of=("self",))
            }
        new, changed, outcomes = [], [], []
        for row in rows:
            values = row.values
            comune, edition = values["comune"], values["edizione"]
            label = " – ".join(item.name for item in (comune, edition) if item)
            key = (comune.pk, edition.pk) if comune and edition else None
            if key in self.seen:
                # Said beside the row's other errors, in one pass.
                row.error("comune", MSG_REPEATED % {"key": _("Comune ed edizione")})
            if row.errors:
                outcomes.append((row, label, None))
                continue
            budget = existing.get(key)
            self.seen.add(key)
            if budget is None:
                budget = Budget(comune=comune, edition=edition, amount=values["importo"])
                budget.notes = values["note"]
                new.append(budget)
                outcomes.append((row, label, (NEW, (), budget)))
                continue
            changes = []
            if budget.amount != values["importo"]:
                try:
                    # The budget screen's rule and message; ``committed`` was read under the lock.
                    check_budget_amount(budget, values["importo"], committed=budget.committed)
                except ValidationError as error:
                    for message in error.messages:
                        row.error("importo", message)
                    outcomes.append((row, label, None))
                    continue
                budget.amount = values["importo"]
                changes.append("importo")
            if values["note"] and budget.notes != values["note"]:
                budget.notes = values["note"]
                changes.append("note")
            if changes:
                changed.append(budget)
            outcomes.append(
                (row, label, (CHANGED if changes else UNCHANGED, tuple(changes), budget))
            )
        if new:
            Budget.objects.bulk_create(new, batch_size=self.batch_size)
        if changed:
            Budget.objects.bulk_update(changed, ["amount", "notes"], batch_size=self.batch_size)
        events = []
        for row, label, outcome in outcomes:
            if row.errors:
                self.report(RowOutcome(row.line, ERROR, label, errors=list(row.errors)))
                continue
            status, changes, budget = outcome
            self.report(RowOutcome(row.line, status, label, changes=changes))
            if status != UNCHANGED:
                events.append(
                    {
                        "model": "casework.budget",
                        "object_id": budget.pk,
                        "comune_id": budget.comune_id,
                        "detail": "import",
                    }
                )
        if events and not self.dry_run:
            record_events(self.user, Action.IMPORT, events)
