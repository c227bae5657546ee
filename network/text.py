"""Rules for the free text that comes from the public form: which characters it may hold and how
long it may be. The public form refuses what breaks them (a clear field error); the models clean
what reaches them by another way (an admin edit, an old row) so it can still be saved and mailed.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

MSG_CONTROL_SINGLE_LINE = _(
    "Il testo contiene caratteri non ammessi (ad esempio un a capo o una tabulazione): "
    "scriverlo su una sola riga."
)
MSG_CONTROL_MULTI_LINE = _("Il testo contiene caratteri di controllo non ammessi.")
MSG_TOO_LONG = _(
    "Il testo è troppo lungo: al massimo %(limit_value)d caratteri (ora sono %(show_value)d)."
)

# Lengths of the long texts (the single-line ones have their max_length on the model).
DESCRIPTION_MAX_LENGTH = 2000
TASKS_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 2000

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators: none is
# ever typed into a one-line box, and a line break in a value that ends up in a mail header
# would start a new header.
_SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# In a text area a person types line breaks (the browser sends CR LF) and may paste a tab.
_MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def validate_single_line(value):
    if _SINGLE_LINE_FORBIDDEN.search(str(value)):
        raise ValidationError(MSG_CONTROL_SINGLE_LINE, code="control_characters")


def validate_multi_line(value):
    if _MULTI_LINE_FORBIDDEN.search(str(value)):
        raise ValidationError(MSG_CONTROL_MULTI_LINE, code="control_characters")


def single_line(value):
    """The value on one line: each run of control characters becomes one space."""
    return " ".join(_SINGLE_LINE_FORBIDDEN.sub(" ", str(value or "")).split())


def multi_line(value):
    """The value with line breaks as ``\\n`` and no other control characters."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _MULTI_LINE_FORBIDDEN.sub("", text).strip()


def max_length_validator(limit):
    return MaxLengthValidator(limit, message=MSG_TOO_LONG)
