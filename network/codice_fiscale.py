"""Italian tax codes: the personal codice fiscale (16 characters) and the partita IVA (11 digits).

Personal codes follow DM 12/03/1974: surname, name, birth date and sex, place, check character.
Omocodia replaces digits with letters (L=0 ... V=9) when two people would share a code, so every
digit position may hold either form; the check character is computed on the code as written.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_CF_FORMAT = _(
    "Il codice fiscale deve avere 16 caratteri (lettere e cifre), ad esempio RSSMRA80A01H501U."
)
MSG_CF_CHECK = _("Il carattere di controllo del codice fiscale non è corretto.")
MSG_CF_DATE = _("Il codice fiscale contiene una data di nascita impossibile.")
MSG_PIVA_FORMAT = _("La partita IVA deve avere 11 cifre.")
MSG_PIVA_CHECK = _("La cifra di controllo della partita IVA non è corretta.")
MSG_ORG_CODE = _("Indicare un codice fiscale di 16 caratteri o una partita IVA di 11 cifre.")

OMOCODIA = "LMNPQRSTUV"  # the letters that stand for 0..9
MONTHS = "ABCDEHLMPRST"  # January..December
DIGIT_POSITIONS = (6, 7, 9, 10, 12, 13, 14)

_ODD = {
    **dict(zip("0123456789", (1, 0, 5, 7, 9, 13, 15, 17, 19, 21), strict=True)),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (
                1,
                0,
                5,
                7,
                9,
                13,
                15,
                17,
                19,
                21,
                2,
                4,
                18,
                20,
                11,
                3,
                6,
                8,
                12,
                14,
                16,
                10,
                22,
                25,
                24,
                23,
            ),
            strict=True,
        )
    ),
}
_EVEN = {
    **{str(d): d for d in range(10)},
    **{chr(ord("A") + i): i for i in range(26)},
}
_SHAPE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)


@dataclass(frozen=True)
class PersonalCode:
    code: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    place_code: str  # cadastral code of the Comune, or Z... for a foreign country


def normalize(value):
    return re.sub(r"\s+", "", str(value or "")).upper()


def check_character(first15):
    total = sum((_ODD if index % 2 == 0 else _EVEN)[char] for index, char in enumerate(first15))
    return chr(ord("A") + total % 26)


def _digits(code):
    """Undo omocodia so the date and place can be read."""
    chars = list(code)
    for position in DIGIT_POSITIONS:
        if chars[position] in OMOCODIA:
            chars[position] = str(OMOCODIA.index(chars[position]))
    return "".join(chars)


def parse_personal_code(value, *, today=None):
    """Validate a personal codice fiscale and read birth date, sex and place from it."""
    code = normalize(value)
    if not _SHAPE.match(code):
        raise ValidationError(MSG_CF_FORMAT, code="cf_format")
    if check_character(code[:15]) != code[15]:
        raise ValidationError(MSG_CF_CHECK, code="cf_check")
    plain = _digits(code)
    year2 = int(plain[6:8])
    month = MONTHS.index(plain[8]) + 1
    day = int(plain[9:11])
    sex = "M"
    if day > 40:
        sex, day = "F", day - 40
    today = today or datetime.date.today()
    # The code keeps two digits of the year: choose the century that makes the person not yet born
    # in the future.
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        birth = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(MSG_CF_DATE, code="cf_date") from None
    if birth > today:
        birth = datetime.date(year - 100, month, day)
    return PersonalCode(code=code, birth_date=birth, sex=sex, place_code=plain[11:15])


def validate_personal_code(value):
    parse_personal_code(value)


def vat_number_check_digit(first10):
    """The eleventh digit of a partita IVA from its first ten (Luhn: every second digit doubled,
    less 9 past 9). The one place of the rule: the validator, the demo data and the factories."""
    total = 0
    for index, char in enumerate(first10):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return str((10 - total % 10) % 10)


def validate_vat_number(value):
    digits = normalize(value)
    if not re.fullmatch(r"\d{11}", digits):
        raise ValidationError(MSG_PIVA_FORMAT, code="piva_format")
    if vat_number_check_digit(digits[:10]) != digits[10]:
        raise ValidationError(MSG_PIVA_CHECK, code="piva_check")


def validate_organisation_code(value):
    """An organisation is identified by a partita IVA, or by a codice fiscale that for
    associations and public bodies is 11 digits too, and for sole traders is a personal code."""
    code = normalize(value)
    if len(code) == 11:
        validate_vat_number(code)
    elif len(code) == 16:
        validate_personal_code(code)
    else:
        raise ValidationError(MSG_ORG_CODE, code="org_code")


def build_check(first15):
    """The full code for the first fifteen characters (used by factories and demo data)."""
    first15 = normalize(first15)
    return first15 + check_character(first15)
