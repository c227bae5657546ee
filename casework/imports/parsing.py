"""Reading Italian values out of cells: dates, amounts, choices, text; refusing formula-like text."""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from casework.money.euro import format_amount as format_euro  # "12.500,00": messages add "€"
from core.spreadsheets import starts_like_formula

from .messages import (
    MSG_AMOUNT_TOO_LARGE,
    MSG_BAD_AMOUNT,
    MSG_BAD_DATE,
    MSG_NEGATIVE_AMOUNT,
    MSG_TOO_MANY_DECIMALS,
)


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
def starts_with_formula(value):
    """Whether a cell would start a formula, by the same rule the exports neutralise with
    (``core.spreadsheets``); cells read as numbers are judged by their text."""
    return value is not None and starts_like_formula(str(value))


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


def choice_help(choices):
    """The accepted values of a choice column, for the upload page and the template: its labels
    (or codes) in any case; lazy, so shown in the reader's language."""
    from django.utils.text import format_lazy

    return format_lazy(
        "{}" + "; {}" * (len(choices.labels) - 1), *(label for label in choices.labels)
    )
