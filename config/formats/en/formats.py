"""English formats for ZeroOttanta: the language changes, the dates do not. The programme runs in
Italy, its papers and its staff write gg/mm/aaaa, and an English-speaking colleague reading a case
must not have 05/03/2026 parsed as the 3rd of May."""

from django.conf.locale.en.formats import *  # noqa: F403  (start from Django's English formats)

from config.formats.it.formats import (  # noqa: F401  (the Italian date formats, on purpose)
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)

FIRST_DAY_OF_WEEK = 1
DATETIME_INPUT_FORMATS = [f"{fmt} %H:%M" for fmt in DATE_INPUT_FORMATS] + [
    f"{fmt} %H:%M:%S" for fmt in DATE_INPUT_FORMATS
]
