"""The tax code as the case screens use it: validated with its check character and omocodia, and
birth date and sex read from it and checked against what is typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.cases.services import referrals as services
from network.codice_fiscale import (
    MSG_CF_CHECK,
    MSG_CF_DATE,
    MSG_CF_FORMAT,
    OMOCODIA,
    build_check,
    parse_personal_code,
)
from tests import factories as f

D = datetime.date


def omocode(code, positions):
    """Replace the digits at ``positions`` with their omocodia letters and recompute the check."""
    chars = list(code[:15])
    for position in positions:
        chars[position] = OMOCODIA[int(chars[position])]
    return build_check("".join(chars))


def test_valid_code_gives_birth_date_and_sex():
    code = f.make_tax_code(1, birth_date=D(1980, 1, 1), sex="M")
    parsed = parse_personal_code(code.lower())
    assert (parsed.birth_date, parsed.sex, parsed.place_code) == (D(1980, 1, 1), "M", "E738")


def test_woman_day_plus_40():
    code = f.make_tax_code(2, birth_date=D(1992, 7, 31), sex="F")
    assert code[9:11] == "71"
    parsed = parse_personal_code(code)
    assert (parsed.birth_date, parsed.sex) == (D(1992, 7, 31), "F")


def test_omocodia_reads_the_same_person():
    code = f.make_tax_code(3, birth_date=D(1985, 6, 14), sex="M")
    for positions in ((14,), (13, 14), (6, 7, 9, 10, 12, 13, 14)):
        variant = omocode(code, positions)
        assert variant != code
        parsed = parse_personal_code(variant)
        assert (parsed.birth_date, parsed.sex, parsed.place_code) == (D(1985, 6, 14), "M", "E738")


def test_bad_check_character():
    code = f.make_tax_code(4)
    wrong = code[:15] + ("A" if code[15] != "A" else "B")
    with pytest.raises(ValidationError) as excinfo:
        parse_personal_code(wrong)
    assert excinfo.value.messages == [str(MSG_CF_CHECK)]


def test_impossible_date():
    # 31 February, with a correct check character: the date is what is wrong.
    body = "RSSMRA80B31E738"
    with pytest.raises(ValidationError) as excinfo:
        parse_personal_code(build_check(body))
    assert excinfo.value.messages == [str(MSG_CF_DATE)]


@pytest.mark.parametrize("value", ["", "RSSMRA80A01", "RSSMRA80A01E73812", "1SSMRA80A01E738U"])
def test_bad_shape(value):
    with pytest.raises(ValidationError) as excinfo:
        parse_personal_code(value)
    assert excinfo.value.messages == [str(MSG_CF_FORMAT)]


def test_typed_data_must_agree_with_code():
    code = f.make_tax_code(5, birth_date=D(1970, 10, 2), sex="F")
    assert services.check_personal_data(code, birth_date=D(1970, 10, 2), sex="F").sex == "F"
    with pytest.raises(ValidationError) as excinfo:
        services.check_personal_data(code, birth_date=D(1970, 2, 10), sex="M")
    assert set(excinfo.value.message_dict) == {"birth_date", "sex"}
    with pytest.raises(ValidationError) as excinfo:
        services.check_personal_data(code[:15] + "Z" if code[15] != "Z" else code[:15] + "Y")
    assert set(excinfo.value.message_dict) == {"tax_code"}
