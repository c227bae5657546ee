"""The import engine every importer shares: results, rows, batching, the per-kind lock and the all-or-nothing run."""

import logging
import zlib
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.permissions.access import visible_comune_ids
from network.selectors import comune_index, find_comune

from .messages import (
    CHANGED,
    MSG_BAD_CHOICE,
    MSG_COMUNE_OUT_OF_SCOPE,
    MSG_DATABASE_ERROR,
    MSG_EMPTY,
    MSG_FORMULA,
    MSG_NOT_A_TABLE_EXPECTED,
    MSG_REQUIRED,
    MSG_SUMMARY_PLANNED,
    MSG_SUMMARY_WRITTEN,
    MSG_TOO_LONG,
    MSG_UNKNOWN_COMUNE,
    NEW,
    OUTCOME_LABELS,
    UNCHANGED,
    FileRefused,
)
from .parsing import clean_text, fold, is_blank, starts_with_formula
from .reading import expected_columns, open_table

logger = logging.getLogger(__name__)


BATCH_SIZE = 1000


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
    skipped: bool = False  # ``on_begin`` said no: another delivery of the job did the work

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.errors

    @property
    def ok(self):
        return not self.errors and not self.refused and not self.failed

    def summary(self):
        """The counts, in the past tense only once the rows are written."""
        message = MSG_SUMMARY_WRITTEN if self.written else MSG_SUMMARY_PLANNED
        return message % {
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
        # Job hooks (``casework.imports.jobs``), both called inside the import's transaction:
        # ``on_begin()`` once the lock is held (False: do nothing), ``on_written(result)`` after
        # the rows are written, before the commit.
        self.on_begin = None
        self.on_written = None
        self.result = ImportResult()
        self.comuni = comune_index()
        ids = visible_comune_ids(user) if user is not None else None
        self.allowed_comune_ids = ids
        self.started_at = None

    @classmethod
    def template_headers(cls):
        return [column.label for column in cls.columns]

    def run(self, fileobj, filename=""):
        """Import the file; returns the ``ImportResult``. Writes only when every row is valid and
        ``dry_run`` is false."""
        table = None
        try:
            table = open_table(fileobj, self.columns, filename)
            # An error names the column as the file writes it, or as the template does when
            # the file has no such column.
            headers = {column.name: column.label for column in self.columns} | table.headers
            with transaction.atomic():
                # Locked before the clock is read: a file imported while this one waited is then
                # older than ``started_at`` and not mistaken for earlier chunks of this file.
                lock_imports(self.kind)
                if self.on_begin is not None and not self.on_begin():
                    self.result.skipped = True
                    return self.result
                self.started_at = timezone.now()
                for chunk in _batched(table.rows, self.batch_size):
                    rows = [_Row(line, raw, headers) for line, raw in chunk]
                    for row in rows:
                        self.parse_row(row)
                    self.apply_chunk(rows)
                if self.result.total == 0:
                    raise FileRefused(MSG_EMPTY, code="empty")
                if self.dry_run or self.result.errors:
                    transaction.set_rollback(True)
                else:
                    self.result.written = True
                    if self.on_written is not None:
                        self.on_written(self.result)
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
        if outcome.changes:
            # Named as the template names the columns: "Target", not "target".
            labels = {column.name: column.label for column in self.columns}
            outcome.changes = tuple(labels.get(name, name) for name in outcome.changes)
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
