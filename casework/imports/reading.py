"""Opening an uploaded CSV or XLSX as a table: size, encoding, header, rows."""

import codecs
import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings

from .messages import (
    MSG_MISSING_COLUMNS,
    MSG_MIXED_ENCODING,
    MSG_NO_HEADER,
    MSG_NOT_A_TABLE,
    MSG_TOO_LARGE,
    MSG_TOO_MANY_ROWS,
    FileRefused,
)
from .parsing import clean_text, fold, is_blank

HEADER_SEARCH_ROWS = 10


SNIFF_LINES = 3


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
    # Counted over the first lines, not the first alone: the template's CSV opens with a note
    # (whose commas are not separators) before the header.
    head = "".join(text.readline() for _line in range(SNIFF_LINES))
    delimiter = max((";", ",", "\t"), key=head.count)
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
    name: str  # the key the importer reads the column by (``data_segnalazione``)
    required: bool = False  # the column must be in the file, with a value in every row
    aliases: tuple = ()
    # The header written in the template and named in messages ("Data segnalazione"); its
    # folded form is the name's, so either spelling is read.
    heading: str = ""
    # Not a column every file needs, but a value every row creating a new record needs (the
    # surname, name and target of a person not yet registered).
    required_for_new: bool = False
    help: str = ""  # what goes in the cell: the format or the accepted values

    @property
    def label(self):
        return str(self.heading or self.name)


@dataclass
class Table:
    columns: dict  # column name -> index in the row
    headers: dict  # column name -> header as written in the file
    rows: object  # iterator of (line, {column name: value})


def expected_columns(columns):
    return ", ".join(column.label for column in columns)


def open_table(fileobj, columns, filename=""):
    """Find the header among the first rows and map it to ``columns``; returns a ``Table`` whose
    rows skip blank lines. Refuses the file when the header is missing or incomplete."""
    by_key = {}
    for column in columns:
        for spelling in (column.name, column.heading, *column.aliases):
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
    missing = [column.label for column in columns if column.required and column.name not in found]
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
