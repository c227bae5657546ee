"""Italian formats for ZeroOttanta (FORMAT_MODULE_PATH): Django's, with the dates shown gg/mm/aaaa
and typed in every way an Italian writes them (leading zeros or not, slash, dash or dot)."""

from django.conf.locale.it.formats import *  # noqa: F403  (start from Django's Italian formats)

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# strptime's %d and %m also read one digit, so 5/3/2026 is the 5th of March.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
    "%d-%m-%y",
    "%Y-%m-%d",
]
