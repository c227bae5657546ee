"""The partita IVA check digit: one function, used by the validator, the demo and the tests."""

import pytest
from django.core.exceptions import ValidationError

from network.codice_fiscale import MSG_PIVA_CHECK, validate_vat_number, vat_number_check_digit
from network.demo import demo_vat_number
from tests.factories import _vat_number


def test_the_check_digit_of_a_known_partita_iva():
    assert vat_number_check_digit("1234567890") == "3"
    validate_vat_number("12345678903")


def test_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_vat_number("12345678904")
    assert error.value.messages == [str(MSG_PIVA_CHECK)]


@pytest.mark.parametrize("n", [0, 7, 4242, 99999])
def test_demo_and_factory_numbers_pass_the_validator(n):
    validate_vat_number(demo_vat_number(n))
    validate_vat_number(_vat_number(n))
