"""Bulk import of the files municipal offices send: referrals (with their people) and budgets.

One code path serves the admin (preview, then confirm) and the management commands:

1. ``open_table`` sniffs the file (XLSX, or CSV in UTF-8 with or without BOM or Windows-1252,
   separated by ``;`` or ``,``; a CSV mixing the two encodings is refused), finds the header and
   yields one dict per non-blank row. It streams: a CSV is never read whole and an XLSX is read
   with openpyxl's read-only mode (every row, whatever the sheet's declared dimension says).
2. The rows are parsed and checked in Python, chunk by chunk (``BATCH_SIZE``): Comuni and
   editions come from a dict built once per file, the tax code's birth date and sex are compared
   with the row, and the rows that already exist are found with one query per chunk. Stock
   django-import-export instead saves row by row with a ``full_clean()`` that queries once per
   foreign key and unique field: minutes for a file our path imports in seconds.
3. Each chunk is written with ``bulk_create`` / ``bulk_update`` inside one transaction for the
   whole file. Any error in any row, or ``dry_run``, rolls the whole transaction back: a file is
   imported entirely or not at all. Later chunks see the rows of earlier ones, which is how a
   row repeated further down the file is recognised without keeping the file in memory. Imports
   of one kind are serialised (``lock_imports``), and a database error ends the import as a
   clean failed run (``ImportResult.failed``), never a traceback.

Nothing here holds more than a chunk of rows, so memory does not grow with the file.
"""

import codecs
import contextlib
import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.codice_fiscale import normalize as normalize_tax_code
from network.codice_fiscale import parse_personal_code
from network.selectors import comune_index, find_comune

from . import deadlines
from .access import visible_comune_ids
from .audit import Action, record_events
from .choices import EmploymentCondition, PathwayType, ReferralStatus, Sex, TargetGroup
from .models import Beneficiary, Budget, Edition, Referral
from .rules import INTAKE_DEADLINE_DAYS

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
HEADER_SEARCH_ROWS = 10

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"
OUTCOME_LABELS = {
    NEW: gettext_lazy("nuova"),
    CHANGED: gettext_lazy("modificata"),
    UNCHANGED: gettext_lazy("invariata"),
    ERROR: gettext_lazy("errore"),
}

# File-level refusals.
MSG_TOO_LARGE = gettext_lazy(
    "Il file è troppo grande: il massimo è %(limit)s MB. Dividerlo in più file."
)
MSG_TOO_MANY_ROWS = gettext_lazy(
    "Il file ha più di %(limit)s righe: dividerlo in più file di al massimo %(limit)s righe."
)
MSG_NOT_A_TABLE = gettext_lazy(
    "Il file non è un CSV o un XLSX leggibile. Salvarlo dal foglio di calcolo come "
    "«CSV (separato da punto e virgola)» o come «Cartella di lavoro di Excel (.xlsx)»."
)
MSG_NOT_A_TABLE_EXPECTED = gettext_lazy(
    "Il file non è un CSV o un XLSX leggibile. Salvarlo dal foglio di calcolo come "
    "«CSV (separato da punto e virgola)» o come «Cartella di lavoro di Excel (.xlsx)», con "
    "nella prima riga le colonne: %(expected)s."
)
MSG_NO_HEADER = gettext_lazy(
    "Non trovo l'intestazione delle colonne. La prima riga deve contenere i nomi delle colonne: "
    "%(expected)s."
)
MSG_MISSING_COLUMNS = gettext_lazy(
    "Mancano le colonne obbligatorie %(missing)s. Colonne previste: %(expected)s."
)
MSG_EMPTY = gettext_lazy("Il file non contiene righe da importare.")
MSG_MIXED_ENCODING = gettext_lazy(
    "Il file mescola due codifiche dei caratteri (UTF-8 e Windows-1252): la riga %(line)s è "
    "scritta diversamente dalle precedenti e le lettere accentate verrebbero salvate storpiate. "
    "Salvare di nuovo il file dal foglio di calcolo come «CSV UTF-8» e ricaricarlo."
)
# Not the file's fault: the database refused a write (a concurrent change, a connection lost).
MSG_DATABASE_ERROR = gettext_lazy(
    "L'importazione non è riuscita per un errore del database: non è stato scritto nulla. "
    "Il file è conservato: riprovare tra qualche minuto e, se l'errore si ripete, avvisare "
    "l'assistenza."
)

# Row-level errors.
MSG_REQUIRED = gettext_lazy("valore obbligatorio mancante.")
MSG_BAD_DATE = gettext_lazy(
    "«%(value)s» non è una data valida (usare 31/12/2016, 31-12-2016 o 2016-12-31)."
)
MSG_FUTURE_DATE = gettext_lazy("la data non può essere nel futuro.")
MSG_BAD_AMOUNT = gettext_lazy("«%(value)s» non è un importo valido (ad esempio 12.500,00).")
MSG_NEGATIVE_AMOUNT = gettext_lazy("l'importo non può essere negativo.")
MSG_TOO_MANY_DECIMALS = gettext_lazy(
    "«%(value)s» ha più di %(places)s decimali: indicare l'importo al centesimo, senza "
    "arrotondarlo (ad esempio 12.500,50)."
)
MSG_AMOUNT_TOO_LARGE = gettext_lazy("l'importo supera il massimo ammesso di %(maximum)s €.")
MSG_FORMULA = gettext_lazy(
    "il valore non può iniziare con =, +, -, @, una tabulazione o un a capo: un foglio di "
    "calcolo lo eseguirebbe come una formula."
)
MSG_UNKNOWN_COMUNE = gettext_lazy(
    "Comune «%(value)s» sconosciuto: indicare il nome o il codice ISTAT di uno dei Comuni del "
    "programma."
)
MSG_COMUNE_OUT_OF_SCOPE = gettext_lazy("non può importare righe del Comune di %(comune)s.")
MSG_UNKNOWN_EDITION = gettext_lazy("edizione «%(value)s» sconosciuta (ad esempio 2016-2017).")
MSG_BAD_CHOICE = gettext_lazy("«%(value)s» non è ammesso; valori ammessi: %(choices)s.")
MSG_TOO_LONG = gettext_lazy("al massimo %(limit)s caratteri.")
MSG_BAD_EMAIL = gettext_lazy("«%(value)s» non è un indirizzo email valido.")
MSG_BIRTH_DATE_MISMATCH = gettext_lazy(
    "la data di nascita %(value)s non corrisponde al codice fiscale (%(expected)s)."
)
MSG_SEX_MISMATCH = gettext_lazy("il sesso %(value)s non corrisponde al codice fiscale.")
MSG_REPEATED = gettext_lazy("ripete una riga precedente del file (stesso %(key)s).")
MSG_OTHER_RESIDENCE = gettext_lazy(
    "la persona risulta residente in un altro Comune: la segnalazione deve venire dal Comune di "
    "residenza."
)
MSG_PROTOCOL_OTHER_PERSON = gettext_lazy(
    "il protocollo è già usato dal Comune per la segnalazione di un'altra persona."
)
MSG_OPEN_REFERRAL = gettext_lazy(
    "la persona ha già una segnalazione aperta (protocollo %(protocol)s)."
)
MSG_REFERRAL_LOCKED = gettext_lazy(
    "la segnalazione non è più in attesa di presa in carico: non si può modificare da file."
)
MSG_NEW_PERSON_NEEDS = gettext_lazy("obbligatorio per una persona nuova.")


class FileRefused(ValidationError):
    """The file as a whole cannot be imported (size, format, header, rows): nothing was read
    into the database."""


# --- Text folding and value parsing --------------------------------------------------------------


def fold(value):
    """Lower case, no accents, no spaces, underscores or punctuation: 'Data_Nascita ' and
    'data nascità' compare equal."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


# What a spreadsheet reads as the start of a formula (CSV/formula injection): the ASCII signs,
# tab, CR and LF, and their full-width forms, which some spreadsheets fold to ASCII.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")


def starts_with_formula(value):
    """Whether a cell would start a formula, also after leading blanks (" =1+1"). Tab, CR and LF
    count as formula starts even though they are whitespace. To be merged with the neutralising
    function of ``core.spreadsheets``: keep the two lists the same."""
    if value is None:
        return False
    for char in str(value):
        if char in FORMULA_STARTS:
            return True
        if not char.isspace():
            return False
    return False


_DATE_RE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# Spreadsheet serial dates count days from 30/12/1899 (Excel's 1900 leap-year bug included).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value):
    """A date from a cell: a real date cell, a spreadsheet serial number, 31/12/2016, 31-12-2016,
    31.12.2016 or 2016-12-31. Raises ValueError with the Italian message."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(MSG_BAD_DATE % {"value": value})
    text = clean_text(value)
    match = _DATE_RE.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        match = _ISO_RE.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            return _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    except ValueError:
        pass
    raise ValueError(MSG_BAD_DATE % {"value": text})


_CENT = Decimal("0.01")


def max_amount(model_field):
    """The largest amount a DecimalField stores: 9999999999.99 for max_digits=12 and
    decimal_places=2. Read from the field so that a migration changing it changes the check."""
    places = model_field.decimal_places
    return Decimal(10) ** (model_field.max_digits - places) - Decimal(1).scaleb(-places)


def parse_amount(value, *, decimal_places=2, maximum=None):
    """Euros from a cell: 12.500,00, € 12.500,00, 1234,56, 1234.56, 12500 or a number cell.
    Raises ValueError with the Italian message.

    Written text with more decimals than ``decimal_places`` is refused, never rounded: 1.234,567
    is a typo or a thousands separator in the wrong place, and guessing would change money. A
    number cell is a binary float (0,1 + 0,2 is 0.30000000000000004), so it alone is rounded,
    half up. Amounts above ``maximum`` (the model field's limit, see ``max_amount``) are refused
    here: the database would otherwise fail the whole file (PostgreSQL) or store a float that no
    screen can read back (SQLite)."""
    if isinstance(value, bool):
        raise ValueError(MSG_BAD_AMOUNT % {"value": value})
    exact = not isinstance(value, float)
    shown = value
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        original = shown = clean_text(value)
        text = re.sub(r"[\s\u00a0€]|EUR|euro", "", original, flags=re.IGNORECASE)
        if "," in text and "." in text:
            # The separator that comes last is the decimal one: 12.500,00 or 12,500.00.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif "," in text:
            text = text.replace(",", ".") if text.count(",") == 1 else "x"
        elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")  # 12.500 is twelve thousand five hundred in Italy
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError(MSG_BAD_AMOUNT % {"value": original})
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(MSG_BAD_AMOUNT % {"value": original}) from None
    if not amount.is_finite():
        raise ValueError(MSG_BAD_AMOUNT % {"value": value})
    if amount < 0:
        raise ValueError(MSG_NEGATIVE_AMOUNT)
    if exact and -amount.as_tuple().exponent > decimal_places:
        raise ValueError(MSG_TOO_MANY_DECIMALS % {"value": shown, "places": decimal_places})
    try:
        amount = amount.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than Decimal's precision: far beyond any maximum
        if maximum is None:
            raise ValueError(MSG_BAD_AMOUNT % {"value": shown}) from None
        amount = maximum + 1
    if maximum is not None and amount > maximum:
        raise ValueError(MSG_AMOUNT_TOO_LARGE % {"maximum": format_euro(maximum)})
    return amount


def format_euro(value):
    """12.500,00: the Italian way, for messages."""
    text = f"{Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def choice_lookup(choices, extra=None):
    """Accepted spellings of a TextChoices: its codes, its labels and the labels' first word, all
    folded."""
    index = {}
    for code, label in choices.choices:
        index[fold(code)] = code
        index[fold(label)] = code
        first = str(label).split(" ")[0]
        index.setdefault(fold(first), code)
    index.update(extra or {})
    return index


# --- Reading files ---------------------------------------------------------------------------------


def _file_size(fileobj):
    size = getattr(fileobj, "size", None)
    if size is None:
        position = fileobj.tell()
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(position)
    return size


def _check_size(fileobj):
    limit = settings.IMPORT_MAX_UPLOAD_SIZE
    if _file_size(fileobj) > limit:
        raise FileRefused(MSG_TOO_LARGE % {"limit": f"{limit / 1024 / 1024:g}"}, code="too_large")


# A UTF-8 encoded accented letter or typographic sign (ò is C3 B2, ’ is E2 80 99): as
# Windows-1252 these pairs read Ã² and â€™, which no office writes on purpose.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _sniff_encoding(fileobj):
    """UTF-8 (with or without BOM) when every line decodes as UTF-8, Windows-1252 when no line
    with accents does. A file with both kinds of lines (rows pasted from two sources) is refused
    naming the first line that differs from the earlier ones: decoding it either way would store
    some names garbled (NicolÃ²). Read line by line so that a large file is not held in memory;
    the lines counted are the file's physical lines, as a text editor numbers them."""
    fileobj.seek(0)
    utf8_line = other_line = None
    for number, line in enumerate(fileobj, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
            if _UTF8_SEQUENCE.search(line):  # a cell pasted in UTF-8 into a Windows-1252 line
                utf8_line = utf8_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and other_line:
            fileobj.seek(0)
            raise FileRefused(
                MSG_MIXED_ENCODING % {"line": max(utf8_line, other_line)}, code="mixed_encoding"
            )
    fileobj.seek(0)
    if other_line:
        return "cp1252"
    if fileobj.read(3) == codecs.BOM_UTF8:
        fileobj.seek(0)
        return "utf-8-sig"
    fileobj.seek(0)
    return "utf-8"


def _looks_binary(head):
    return b"\x00" in head or head.startswith((b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG"))


def _csv_rows(fileobj):
    encoding = _sniff_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="")
    first = text.readline()
    delimiter = max((";", ",", "\t"), key=first.count)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        raise FileRefused(MSG_NOT_A_TABLE, code="not_a_table") from None
    finally:
        # Leave the caller's file open (it closes it); it may already be closed when the
        # generator is collected late.
        with contextlib.suppress(ValueError):
            text.detach()


def _xlsx_rows(fileobj):
    import openpyxl

    # A few kilobytes of compressed XML can expand to gigabytes: check the sizes the archive
    # declares, and the sheet's declared dimension, before parsing anything.
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(MSG_NOT_A_TABLE, code="not_a_table") from None
    if expanded > settings.IMPORT_MAX_UPLOAD_SIZE * 20:
        limit = settings.IMPORT_MAX_UPLOAD_SIZE
        raise FileRefused(MSG_TOO_LARGE % {"limit": f"{limit / 1024 / 1024:g}"}, code="too_large")
    fileobj.seek(0)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(MSG_NOT_A_TABLE, code="not_a_table") from None
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0
        if declared > settings.IMPORT_MAX_ROWS + 1 + 1000:
            raise FileRefused(
                MSG_TOO_MANY_ROWS % {"limit": settings.IMPORT_MAX_ROWS}, code="too_many_rows"
            )
        # Read-only mode stops at the declared dimension, and a file can under-state it (A1:O3
        # over five rows): the rows past it would be dropped without a word. Forget it and read
        # every row there is; the row limit is then enforced on the rows actually read.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def raw_rows(fileobj, filename=""):
    """Every row of the file's first table as a list of cell values (strings for a CSV; dates,
    numbers and strings for an XLSX)."""
    _check_size(fileobj)
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_rows(fileobj)
    if str(filename).lower().endswith((".xls", ".xlsx", ".ods", ".pdf", ".doc", ".docx")):
        raise FileRefused(MSG_NOT_A_TABLE, code="not_a_table")
    if _looks_binary(head):
        raise FileRefused(MSG_NOT_A_TABLE, code="not_a_table")
    return _csv_rows(fileobj)


@dataclass(frozen=True)
class Column:
    name: str  # the header written in the template
    required: bool = False
    aliases: tuple = ()


@dataclass
class Table:
    columns: dict  # column name -> index in the row
    headers: dict  # column name -> header as written in the file
    rows: object  # iterator of (line, {column name: value})


def expected_columns(columns):
    return ", ".join(column.name for column in columns)


def open_table(fileobj, columns, filename=""):
    """Find the header among the first rows and map it to ``columns``; returns a ``Table`` whose
    rows skip blank lines. Refuses the file when the header is missing or incomplete."""
    by_key = {}
    for column in columns:
        for spelling in (column.name, *column.aliases):
            by_key[fold(spelling)] = column
    rows = raw_rows(fileobj, filename)
    line = 0
    found = headers = None
    try:
        # A title or a blank line may come before the header: look at the first rows for one that
        # names at least two of our columns.
        for cells in rows:
            line += 1
            found, headers = {}, {}
            for index, cell in enumerate(cells):
                column = by_key.get(fold(cell))
                if column is not None and column.name not in found:
                    found[column.name] = index
                    headers[column.name] = clean_text(cell)
            if len(found) >= min(2, len(columns)) or line >= HEADER_SEARCH_ROWS:
                break
        if not found or len(found) < min(2, len(columns)):
            raise FileRefused(
                MSG_NO_HEADER % {"expected": expected_columns(columns)}, code="no_header"
            )
    except FileRefused:
        rows.close()
        raise
    missing = [column.name for column in columns if column.required and column.name not in found]
    if missing:
        rows.close()
        raise FileRefused(
            MSG_MISSING_COLUMNS
            % {"missing": ", ".join(missing), "expected": expected_columns(columns)},
            code="missing_columns",
        )
    return Table(columns=found, headers=headers, rows=_data_rows(rows, found, line))


def _data_rows(rows, found, header_line):
    limit = settings.IMPORT_MAX_ROWS
    count = 0
    try:
        for line, cells in enumerate(rows, start=header_line + 1):
            if all(is_blank(cell) for cell in cells):
                continue
            count += 1
            if count > limit:
                raise FileRefused(MSG_TOO_MANY_ROWS % {"limit": limit}, code="too_many_rows")
            width = len(cells)
            yield (
                line,
                {name: cells[index] if index < width else None for name, index in found.items()},
            )
    finally:
        # Close the reader now (the XLSX workbook, the CSV text wrapper), not at collection.
        rows.close()


# --- Results -------------------------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return _("riga %(line)s, colonna %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class RowOutcome:
    line: int
    status: str  # NEW, CHANGED, UNCHANGED or ERROR
    label: str  # what the row is about, e.g. "PROT-1 – Lumezzane – RSSMRA80A01E738X"
    changes: tuple = ()  # names of the columns whose value changes
    errors: list = field(default_factory=list)

    @property
    def status_label(self):
        return OUTCOME_LABELS[self.status]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # rows with at least one error
    written: bool = False
    refused: str = ""  # the file-level message when the file was refused as a whole
    # The message when the database failed the import (not the file's fault): nothing was
    # written and the same file may be imported again.
    failed: str = ""

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.errors

    @property
    def ok(self):
        return not self.errors and not self.refused and not self.failed

    def summary(self):
        return _(
            "creati %(created)s, aggiornati %(updated)s, invariati %(unchanged)s, errori %(errors)s"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }

    def count(self, outcome):
        if outcome.status == NEW:
            self.created += 1
        elif outcome.status == CHANGED:
            self.updated += 1
        elif outcome.status == UNCHANGED:
            self.unchanged += 1
        else:
            self.errors += 1


class _Row:
    """One data row while it is checked: parsed values plus its errors."""

    __slots__ = ("errors", "headers", "line", "raw", "values")

    def __init__(self, line, raw, headers):
        self.line = line
        self.raw = raw
        self.headers = headers
        self.values = {}
        self.errors = []

    def error(self, column, message):
        self.errors.append(RowError(self.line, self.headers.get(column, column), str(message)))

    def has(self, column):
        return not is_blank(self.raw.get(column))

    def text(self, column, *, max_length=None, required=False, refuse_formula=False):
        raw = self.raw.get(column)
        value = clean_text(raw)
        if refuse_formula and starts_with_formula(raw):
            # Checked on the cell as written, before blanks are trimmed: "\t=1" is a formula.
            self.error(column, MSG_FORMULA)
        if not value and required:
            self.error(column, MSG_REQUIRED)
        if max_length and len(value) > max_length:
            self.error(column, MSG_TOO_LONG % {"limit": max_length})
        return value

    def parse(self, column, parser, *, required=False):
        value = self.raw.get(column)
        if is_blank(value):
            if required:
                self.error(column, MSG_REQUIRED)
            return None
        try:
            return parser(value)
        except ValueError as error:
            self.error(column, error)
            return None

    def choice(self, column, lookup, choices):
        value = clean_text(self.raw.get(column))
        if not value:
            return ""
        key = fold(value)
        code = lookup.get(key)
        if code is None:
            # "Lavoratore svantaggiato" or "tirocinio formativo": a value that names exactly one code.
            found = {c for c in choices.values if fold(c) in key}
            code = found.pop() if len(found) == 1 else None
        if code is None:
            allowed = ", ".join(str(code) for code in choices.values)
            self.error(column, MSG_BAD_CHOICE % {"value": value, "choices": allowed})
            return ""
        return code


def _log_database_error(kind, error):
    """Say which import failed and how, for the operators. Only the error's class and SQLSTATE:
    the database's own message quotes the row's values (a tax code in a duplicate key)."""
    cause = error.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or ""
    logger.error("Import %s failed on a database error: %s %s", kind, type(error).__name__, code)


# Key of the PostgreSQL advisory lock that serialises the imports of one kind (any 64-bit
# number no other lock of the project uses; crc32 keeps it stable across processes).
def _lock_key(kind):
    return zlib.crc32(f"zeroottanta.casework.import.{kind}".encode())


def lock_imports(kind):
    """Serialise the imports of one kind until the current transaction ends. Two files read at
    the same moment would otherwise both find a person or a budget missing and both insert it:
    the second then fails on the unique index. PostgreSQL: a transaction-level advisory lock
    (no table needed, released at commit or rollback). SQLite needs nothing: a write
    transaction there (IMMEDIATE, see the settings) already excludes every other writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(kind)])


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class BaseImporter:
    """Reads a file, checks and writes it chunk by chunk in one transaction. Subclasses define
    ``columns``, ``parse_row`` (Python checks of one row) and ``apply_chunk`` (the existence
    queries and the bulk writes of a chunk)."""

    kind = ""
    columns = ()

    def __init__(self, *, user=None, dry_run=False, batch_size=None, on_row=None):
        self.user = user
        self.dry_run = dry_run
        self.batch_size = batch_size or BATCH_SIZE
        self.on_row = on_row
        self.result = ImportResult()
        self.comuni = comune_index()
        ids = visible_comune_ids(user) if user is not None else None
        self.allowed_comune_ids = ids
        self.started_at = None

    @classmethod
    def template_headers(cls):
        return [column.name for column in cls.columns]

    def run(self, fileobj, filename=""):
        """Import the file; returns the ``ImportResult``. Writes only when every row is valid and
        ``dry_run`` is false."""
        table = None
        try:
            table = open_table(fileobj, self.columns, filename)
            with transaction.atomic():
                # Locked before the clock is read: a file imported while this one waited is then
                # older than ``started_at`` and not mistaken for earlier chunks of this file.
                lock_imports(self.kind)
                self.started_at = timezone.now()
                for chunk in _batched(table.rows, self.batch_size):
                    rows = [_Row(line, raw, table.headers) for line, raw in chunk]
                    for row in rows:
                        self.parse_row(row)
                    self.apply_chunk(rows)
                if self.result.total == 0:
                    raise FileRefused(MSG_EMPTY, code="empty")
                if self.dry_run or self.result.errors:
                    transaction.set_rollback(True)
                else:
                    self.result.written = True
        except FileRefused as refusal:
            if getattr(refusal, "code", None) == "not_a_table":
                refusal = FileRefused(
                    MSG_NOT_A_TABLE_EXPECTED % {"expected": expected_columns(self.columns)}
                )
            self.result.refused = refusal.messages[0]
        except DatabaseError as error:
            # A conflict with a concurrent write, a lost connection, a value the database
            # refuses: the transaction is rolled back, so report it as a clean failed import.
            _log_database_error(self.kind, error)
            self.result = ImportResult(failed=str(MSG_DATABASE_ERROR))
        finally:
            if table is not None:
                table.rows.close()
        return self.result

    def report(self, outcome):
        self.result.count(outcome)
        if self.on_row is not None:
            self.on_row(outcome)

    # --- shared checks ---

    def comune(self, row, column="comune"):
        value = row.raw.get(column)
        if is_blank(value):
            row.error(column, MSG_REQUIRED)
            return None
        comune = find_comune(value, self.comuni)
        if comune is None:
            row.error(column, MSG_UNKNOWN_COMUNE % {"value": clean_text(value)})
            return None
        if self.allowed_comune_ids is not None and comune.pk not in self.allowed_comune_ids:
            row.error(column, MSG_COMUNE_OUT_OF_SCOPE % {"comune": comune.name})
            return None
        return comune

    def parse_row(self, row):
        raise NotImplementedError

    def apply_chunk(self, rows):
        raise NotImplementedError


# --- Referrals and their people --------------------------------------------------------------------

_CONDITIONS = choice_lookup(EmploymentCondition)
_TARGETS = choice_lookup(
    TargetGroup, {"difficoltasoggettive": TargetGroup.DIFFICOLTA, "giovani": TargetGroup.GIOVANE}
)
_PATHWAYS = choice_lookup(PathwayType)
_SEXES = choice_lookup(Sex, {"m": "M", "f": "F", "uomo": "M", "donna": "F"})
_OPEN_REFERRAL = (ReferralStatus.RECEIVED, ReferralStatus.TAKEN_IN_CHARGE)

# Person fields an import may set: an empty cell never blanks them.
PERSON_FIELDS = {
    "cognome": "last_name",
    "nome": "first_name",
    "telefono": "phone",
    "email": "email",
    "condizione": "employment_condition",
    "target": "target_group",
}
REFERRAL_FIELDS = {
    "data_segnalazione": "referred_on",
    "assistente_sociale": "social_worker_name",
    "percorso_proposto": "proposed_pathway_type",
    "note": "reason",
}


class ReferralImporter(BaseImporter):
    """A referral per row, keyed by Comune + protocollo; its person created or updated by tax
    code. The referral's Comune is the person's residence."""

    kind = "referrals"
    columns = (
        Column(
            "protocollo", required=True, aliases=("protocol", "n protocollo", "numero protocollo")
        ),
        Column("comune", required=True, aliases=("comune inviante", "comune di residenza")),
        Column("data_segnalazione", required=True, aliases=("data", "data invio")),
        Column("codice_fiscale", required=True, aliases=("cf", "c f", "codice fiscale persona")),
        Column("cognome", required=True),
        Column("nome", required=True),
        Column("data_nascita", aliases=("data di nascita", "nato il")),
        Column("sesso"),
        Column("telefono", aliases=("tel", "cellulare")),
        Column("email", aliases=("e-mail", "mail", "posta elettronica")),
        Column("condizione", aliases=("condizione occupazionale",)),
        Column("target", aliases=("gruppo target", "categoria")),
        Column("percorso_proposto", aliases=("percorso", "tipologia", "tipologia percorso")),
        Column("assistente_sociale", aliases=("operatore", "assistente")),
        Column("note", aliases=("motivazione", "motivazione segnalazione")),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.today = deadlines.today()
        self.referred_by = (
            self.user if self.user is not None and self.user.is_authenticated else None
        )

    def parse_row(self, row):
        values = row.values
        # Protocols and names are shown in exports and in the listings a Comune downloads: a
        # value a spreadsheet would run as a formula is refused at the door.
        values["protocollo"] = row.text(
            "protocollo", max_length=50, required=True, refuse_formula=True
        )
        comune = self.comune(row)
        values["comune"] = comune
        referred_on = row.parse("data_segnalazione", parse_date, required=True)
        if referred_on is not None and referred_on > self.today:
            row.error("data_segnalazione", MSG_FUTURE_DATE)
        values["data_segnalazione"] = referred_on
        raw_code = row.raw.get("codice_fiscale")
        parsed = None
        if is_blank(raw_code):
            row.error("codice_fiscale", MSG_REQUIRED)
        else:
            try:
                parsed = parse_personal_code(normalize_tax_code(clean_text(raw_code)))
            except ValidationError as error:
                row.error("codice_fiscale", error.messages[0])
        values["parsed_code"] = parsed
        values["cognome"] = row.text("cognome", max_length=100, refuse_formula=True)
        values["nome"] = row.text("nome", max_length=100, refuse_formula=True)
        birth_date = row.parse("data_nascita", parse_date)
        if parsed is not None and birth_date is not None and birth_date != parsed.birth_date:
            row.error(
                "data_nascita",
                MSG_BIRTH_DATE_MISMATCH
                % {
                    "value": birth_date.strftime("%d/%m/%Y"),
                    "expected": parsed.birth_date.strftime("%d/%m/%Y"),
                },
            )
        sex = row.choice("sesso", _SEXES, Sex)
        if parsed is not None and sex and sex != parsed.sex:
            row.error("sesso", MSG_SEX_MISMATCH % {"value": sex})
        values["telefono"] = row.text("telefono", max_length=30)
        email = row.text("email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", MSG_BAD_EMAIL % {"value": email})
        values["email"] = email
        values["condizione"] = row.choice("condizione", _CONDITIONS, EmploymentCondition)
        values["target"] = row.choice("target", _TARGETS, TargetGroup)
        values["percorso_proposto"] = row.choice("percorso_proposto", _PATHWAYS, PathwayType)
        values["assistente_sociale"] = row.text(
            "assistente_sociale", max_length=150, refuse_formula=True
        )
        values["note"] = clean_text(row.raw.get("note"))

    def apply_chunk(self, rows):
        valid = [row for row in rows if not row.errors]
        codes = {row.values["parsed_code"].code for row in valid}
        protocols = {row.values["protocollo"] for row in valid}
        comune_ids = {row.values["comune"].pk for row in valid}
        people = {}
        referrals = {}
        open_by_person = {}
        if valid:
            people = {p.tax_code: p for p in Beneficiary.objects.filter(tax_code__in=codes)}
            referrals = {
                (r.comune_id, r.protocol): r
                for r in Referral.objects.filter(protocol__in=protocols, comune_id__in=comune_ids)
            }
            if people:
                for beneficiary_id, protocol, comune_id in Referral.objects.filter(
                    beneficiary_id__in=[p.pk for p in people.values()], status__in=_OPEN_REFERRAL
                ).values_list("beneficiary_id", "protocol", "comune_id"):
                    open_by_person.setdefault(beneficiary_id, []).append((comune_id, protocol))

        now = timezone.now()
        new_people, changed_people = [], {}
        new_referrals, changed_referrals = [], []
        outcomes = []
        seen_referrals = {}
        seen_people = {}
        new_open = {}  # tax code -> protocol of the referral this chunk opens for the person
        for row in rows:
            if row.errors:
                outcomes.append((row, None, None))
                continue
            values = row.values
            comune = values["comune"]
            code = values["parsed_code"]
            key = (comune.pk, values["protocollo"])
            label = f"{values['protocollo']} – {comune.name} – {code.code}"
            if key in seen_referrals:
                row.error("protocollo", MSG_REPEATED % {"key": _("protocollo")})
                outcomes.append((row, label, None))
                continue
            person = seen_people.get(code.code) or people.get(code.code)
            referral = referrals.get(key)
            if referral is not None and referral.updated_at >= self.started_at:
                # Written by an earlier chunk of this same file.
                row.error("protocollo", MSG_REPEATED % {"key": _("protocollo")})
                outcomes.append((row, label, None))
                continue
            person_changes = []
            if person is None:
                for column in ("cognome", "nome", "target"):
                    if not values[column]:
                        row.error(column, MSG_NEW_PERSON_NEEDS)
                if row.errors:
                    outcomes.append((row, label, None))
                    continue
                person = Beneficiary(
                    tax_code=code.code,
                    birth_date=code.birth_date,
                    sex=code.sex,
                    residence_comune=comune,
                    last_name=values["cognome"],
                    first_name=values["nome"],
                    phone=values["telefono"],
                    email=values["email"],
                    employment_condition=values["condizione"] or EmploymentCondition.DISOCCUPATO,
                    target_group=values["target"],
                )
                new_people.append(person)
                seen_people[code.code] = person
            else:
                if person.residence_comune_id != comune.pk:
                    row.error("comune", MSG_OTHER_RESIDENCE)
                    outcomes.append((row, label, None))
                    continue
                for column, attname in PERSON_FIELDS.items():
                    value = values[column]
                    if value and getattr(person, attname) != value:
                        person_changes.append((column, attname, value))
            referral_changes = []
            if referral is None:
                other = new_open.get(code.code)
                if other is None and person.pk:
                    other = next(iter(open_by_person.get(person.pk, ())), (None, None))[1]
                if other is not None:
                    row.error("codice_fiscale", MSG_OPEN_REFERRAL % {"protocol": other})
                    outcomes.append((row, label, None))
                    continue
                new_open[code.code] = values["protocollo"]
                referral = Referral(
                    comune=comune,
                    protocol=values["protocollo"],
                    beneficiary=person,
                    referred_on=values["data_segnalazione"],
                    referred_by=self.referred_by,
                    social_worker_name=values["assistente_sociale"],
                    proposed_pathway_type=values["percorso_proposto"],
                    reason=values["note"],
                    intake_deadline_days=INTAKE_DEADLINE_DAYS,
                    intake_due_on=deadlines.intake_due(
                        values["data_segnalazione"], INTAKE_DEADLINE_DAYS
                    ),
                    status=ReferralStatus.RECEIVED,
                )
                new_referrals.append(referral)
                status = NEW
            else:
                if referral.beneficiary_id != person.pk:
                    row.error("codice_fiscale", MSG_PROTOCOL_OTHER_PERSON)
                    outcomes.append((row, label, None))
                    continue
                for column, attname in REFERRAL_FIELDS.items():
                    value = values[column]
                    if value and getattr(referral, attname) != value:
                        referral_changes.append((column, attname, value))
                if referral_changes and referral.status != ReferralStatus.RECEIVED:
                    row.error(referral_changes[0][0], MSG_REFERRAL_LOCKED)
                    outcomes.append((row, label, None))
                    continue
                for _column, attname, value in referral_changes:
                    setattr(referral, attname, value)
                if referral_changes:
                    referral.intake_due_on = deadlines.intake_due(
                        referral.referred_on, referral.intake_deadline_days
                    )
                    referral.updated_at = now
                    changed_referrals.append(referral)
                status = CHANGED if (referral_changes or person_changes) else UNCHANGED
            for _column, attname, value in person_changes:
                setattr(person, attname, value)
            if person_changes and person.pk:
                person.updated_at = now
                changed_people[person.pk] = person
            seen_referrals[key] = referral
            changes = tuple(c for c, _a, _v in person_changes) + tuple(
                c for c, _a, _v in referral_changes
            )
            outcomes.append((row, label, (status, changes, referral)))

        self._write(new_people, changed_people, new_referrals, changed_referrals)
        events = []
        for row, label, outcome in outcomes:
            if row.errors:
                self.report(RowOutcome(row.line, ERROR, label or "", errors=list(row.errors)))
                continue
            status, changes, referral = outcome
            self.report(RowOutcome(row.line, status, label, changes=changes))
            if status != UNCHANGED:
                events.append(
                    {
                        "model": "casework.referral",
                        "object_id": referral.pk,
                        "beneficiary_id": referral.beneficiary_id,
                        "comune_id": referral.comune_id,
                        "detail": "import " + ("new" if status == NEW else "change"),
                    }
                )
        if events and not self.dry_run:
            record_events(self.user, Action.IMPORT, events, batch_size=self.batch_size)

    def _write(self, new_people, changed_people, new_referrals, changed_referrals):
        if new_people:
            Beneficiary.objects.bulk_create(new_people, batch_size=self.batch_size)
        if changed_people:
            Beneficiary.objects.bulk_update(
                changed_people.values(),
                [*PERSON_FIELDS.values(), "updated_at"],
                batch_size=self.batch_size,
            )
        if new_referrals:
            # bulk_create takes each person's new id from the object assigned above.
            Referral.objects.bulk_create(new_referrals, batch_size=self.batch_size)
        if changed_referrals:
            Referral.objects.bulk_update(
                changed_referrals,
                [*REFERRAL_FIELDS.values(), "intake_due_on", "updated_at"],
                batch_size=self.batch_size,
            )


# --- Budgets ---------------------------------------------------------------------------------------

MSG_BELOW_COMMITTED = gettext_lazy(
    "l'importo è inferiore a quanto già impegnato con i voucher approvati (%(committed)s €)."
)


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
        Column("comune", required=True),
        Column("edizione", required=True, aliases=("anno", "periodo")),
        Column("importo", required=True, aliases=("budget", "importo budget", "importo euro")),
        Column("note", aliases=("criteri", "criteri di utilizzo")),
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
        from .selectors import budget_summary

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
            if row.errors:
                outcomes.append((row, "", None))
                continue
            values = row.values
            comune, edition = values["comune"], values["edizione"]
            key = (comune.pk, edition.pk)
            label = f"{comune.name} – {edition.name}"
            budget = existing.get(key)
            if key in self.seen:
                row.error("comune", MSG_REPEATED % {"key": _("Comune ed edizione")})
                outcomes.append((row, label, None))
                continue
            self.seen.add(key)
            if budget is None:
                budget = Budget(comune=comune, edition=edition, amount=values["importo"])
                budget.notes = values["note"]
                new.append(budget)
                outcomes.append((row, label, (NEW, (), budget)))
                continue
            changes = []
            if budget.amount != values["importo"]:
                if values["importo"] < budget.committed:
                    row.error(
                        "importo",
                        MSG_BELOW_COMMITTED % {"committed": format_euro(budget.committed)},
                    )
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


IMPORTERS = {ReferralImporter.kind: ReferralImporter, BudgetImporter.kind: BudgetImporter}


def import_file(
    kind, fileobj, *, filename, user=None, dry_run=False, on_row=None, source="admin", run=None
):
    """Import through the resource of ``kind`` and record the run (``ImportRun``): who, when,
    which file, the counts and the outcome. ``run`` is the admin's preview record to complete.
    A database error is recorded as a failed run with ``MSG_DATABASE_ERROR``."""
    from .models import ImportRun
    from .resources import RESOURCES

    try:
        # A savepoint: after a database error the connection stays usable to record the run.
        with transaction.atomic():
            resource = RESOURCES[kind][0](user=user)
            result = resource.import_file(
                fileobj, filename=filename, dry_run=dry_run, on_row=on_row
            )
    except DatabaseError as error:  # raised before the importer's own handling, e.g. setup
        _log_database_error(kind, error)
        result = ImportResult(failed=str(MSG_DATABASE_ERROR))
    if result.refused:
        status = ImportRun.Status.REFUSED
    elif result.errors or result.failed:
        status = ImportRun.Status.FAILED
    elif dry_run:
        status = ImportRun.Status.DRY_RUN
    else:
        status = ImportRun.Status.COMPLETED
    run = run or ImportRun(kind=kind, file_name=str(filename)[:255], source=source)
    run.user = user if user is not None and user.is_authenticated else None
    run.status = status
    run.created, run.updated = result.created, result.updated
    run.unchanged, run.errors = result.unchanged, result.errors
    run.message = result.refused or result.failed or result.summary()
    run.finished_at = timezone.now()
    run.save()
    result.run = run
    return result
