"""The list export of every admin listing (Wagtail's "Download XLSX / CSV"), made safe and Italian.

Every listing that exports puts ``ItalianSpreadsheetExportMixin`` in front of its Wagtail
IndexView: casework's through ``casework.admin_base``, network's and the access log directly.
It uses the extension points Wagtail's ``SpreadsheetExportMixin`` offers, and changes nothing
of Wagtail itself, so a listing without it exports as Wagtail does:

- every text cell goes through ``core.spreadsheets.neutralise`` (a leading apostrophe on what a
  spreadsheet would run as a formula), also the text Wagtail makes of a related object or a
  listing's own ``custom_field_preprocess`` returns;
- the CSV is the one ``core.spreadsheets.iter_csv`` writes for Italian Excel: ``;`` separator,
  UTF-8 with a BOM, dates as 31/12/2016, times in Europe/Rome, amounts as numbers with a decimal
  comma. Wagtail's CSV writer has no hook for the separator or the BOM, so ``stream_csv`` is
  replaced here;
- the XLSX is ``core.spreadsheets.write_xlsx``'s: one sheet named as the listing («Segnalazioni»,
  never "Sheet1"), real dates and numbers, datetimes in Europe/Rome;
- Italian everywhere, for every listing at once rather than viewset by viewset: a heading is
  the verbose name of the field the (dotted) path ends on («Codice fiscale», never
  "beneficiary.tax_code"), a choice field is written with its label («Ricevuta», not
  "received"), and the file is named after the listing and the day
  («segnalazioni-2026-12-03.xlsx») unless the viewset names it. A viewset's own
  ``export_headings`` and ``export_filename`` still win.
"""

import contextlib
import datetime
from decimal import Decimal

from django.contrib.admin.utils import label_for_field
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst, slugify
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.coreutils import multigetattr

from core.spreadsheets import csv_text, iter_csv, neutralise, write_xlsx

CSV = SpreadsheetExportMixin.FORMAT_CSV
XLSX = SpreadsheetExportMixin.FORMAT_XLSX


def _xlsx_datetime(value):
    """openpyxl refuses aware datetimes: the local time (Europe/Rome), not UTC as Wagtail's."""
    return timezone.make_naive(value) if timezone.is_aware(value) else value


def _person(user):
    """A staff member by full name, the username only when none is set (never just the login)."""
    return (user.get_full_name() if hasattr(user, "get_full_name") else "").strip() or str(user)


def _parts(path):
    return path.replace("__", ".").split(".")


def resolve_field(model, path):
    """The model field a (dotted) export path ends on, or None (a method, a property)."""
    field = None
    for part in _parts(path):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model if field.is_relation else None
    return field


def _owner(item, path):
    """The object the last part of ``path`` is read from, and that part: for
    ``referral.beneficiary.sex``, the person and ``sex``. None when a link on the way is empty."""
    *links, last = _parts(path)
    for link in links:
        item = getattr(item, link, None)
        if item is None:
            return None, last
    return item, last


class ItalianSpreadsheetExportMixin:
    """In front of a Wagtail IndexView (a ``SpreadsheetExportMixin``)."""

    # Looked up in order, so datetime before date and bool before any number.
    custom_value_preprocess = {
        AbstractBaseUser: {
            CSV: lambda user: csv_text(_person(user)),
            XLSX: lambda user: neutralise(_person(user)),
        },
        str: {CSV: csv_text, XLSX: neutralise},
        datetime.datetime: {CSV: csv_text, XLSX: _xlsx_datetime},
        datetime.date: {CSV: csv_text, XLSX: None},
        datetime.time: {XLSX: None},
        bool: {CSV: csv_text},
        (Decimal, float): {CSV: csv_text},
        type(None): {CSV: csv_text},
        list: {
            CSV: lambda value: csv_text(", ".join(map(str, value))),
            XLSX: lambda value: neutralise(", ".join(map(str, value))),
        },
    }

    def preprocess_field_value(self, field, value, export_format):
        # The types above cover the usual cells; whatever else becomes text (a related object's
        # label, a listing's own field function) is neutralised here, on the way out.
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value) if isinstance(value, str) else value

    def get_heading(self, queryset, field):
        heading = self.export_headings.get(field)
        if heading:
            return str(heading)
        model = getattr(queryset, "model", None)
        if model is None:  # rows that are not a queryset
            return super().get_heading(queryset, field)
        if field == "__str__":
            return capfirst(str(model._meta.verbose_name))
        model_field = resolve_field(model, field)
        if model_field is not None:
            return capfirst(str(model_field.verbose_name))
        # A method or property: its short_description, on the model the path ends on.
        owner = model
        for link in _parts(field)[:-1]:
            related = resolve_field(owner, link)
            owner = related.related_model if related is not None else None
            if owner is None:
                break
        if owner is not None:
            try:
                return capfirst(str(label_for_field(_parts(field)[-1], owner)))
            except (AttributeError, FieldDoesNotExist):
                pass
        return super().get_heading(queryset, field)

    def to_row_dict(self, item):
        row = {}
        for field in self.list_export:
            owner, last = _owner(item, field)
            if owner is None:
                row[field] = None
                continue
            model_field = None
            if isinstance(owner, models.Model):
                with contextlib.suppress(FieldDoesNotExist):
                    model_field = owner._meta.get_field(last)
            if model_field is not None and model_field.choices and not model_field.is_relation:
                # The label the screens show («Ricevuta»), never the stored code.
                value = getattr(owner, last)
                row[field] = None if value in (None, "") else owner._get_FIELD_display(model_field)
            else:
                row[field] = multigetattr(item, field)
        return row

    def get_filename(self):
        """``<listing>-<yyyy-mm-dd>``: the viewset's ``export_filename`` or the listing's Italian
        name («segnalazioni»), never the table's name ("casework_referral")."""
        base = super().get_filename()
        model = getattr(self, "model", None)
        if model is not None and base in (
            model._meta.db_table,
            SpreadsheetExportMixin.export_filename,
        ):
            base = slugify(str(model._meta.verbose_name_plural))
        return f"{base}-{timezone.localdate():%Y-%m-%d}"

    def get_sheet_title(self, queryset):
        model = getattr(queryset, "model", None) or getattr(self, "model", None)
        return capfirst(str(model._meta.verbose_name_plural)) if model else "Dati"

    def _rows(self, queryset, export_format):
        for item in queryset:
            yield [
                self.preprocess_field_value(field, value, export_format)
                for field, value in self.to_row_dict(item).items()
            ]

    def stream_csv(self, queryset):
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        return iter_csv(headings, self._rows(queryset, CSV))

    def write_xlsx(self, queryset, output):
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        write_xlsx(
            headings,
            self._rows(queryset, XLSX),
            output,
            title=self.get_sheet_title(queryset),
        )

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response
