"""Text cells going into a spreadsheet or a CSV, made safe from formula injection.

Excel and LibreOffice run a cell as a formula when its text begins with ``=``, ``+``, ``-`` or
``@`` (``=HYPERLINK("http://…","Clicca")`` in a surname is enough to send data out), and a
leading tab, carriage return or line feed can hide such a start. They skip leading blanks (a
space, a non-breaking space) before deciding, and in East Asian input modes the full-width
``＝ ＋ － ＠`` count as the ASCII signs. So a string whose first non-blank character is one of
these, or that begins with a tab, CR or LF, is written with a leading apostrophe: the
spreadsheet shows it as text. Only strings are touched: a negative number stored as a number
stays a number.

Every spreadsheet and CSV the product writes goes through ``neutralise``: case-record exports,
list exports, import templates (``casework.exporting``) and reports (``documents.builders``).
"""

FORMULA_SIGNS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Control characters that start a formula-looking cell even before any sign (and may hide one).
FORMULA_CONTROLS = ("\t", "\r", "\n")
DANGEROUS_PREFIXES = FORMULA_SIGNS + FORMULA_CONTROLS
TEXT_PREFIX = "'"


def starts_like_formula(value):
    """True when a spreadsheet could read the string ``value`` as a formula."""
    if not isinstance(value, str) or not value:
        return False
    # str.lstrip() drops every Unicode blank, non-breaking and ideographic spaces included.
    return value.startswith(FORMULA_CONTROLS) or value.lstrip().startswith(FORMULA_SIGNS)


def neutralise(value):
    """The value, with a leading apostrophe when it is text a spreadsheet would run."""
    if starts_like_formula(value):
        return TEXT_PREFIX + value
    return value
