"""ID numbers per GB 11643-1999 and the masks people are shown with."""

from datetime import date

import pytest

from fillonce.registers.identity import birth_date_of, id_problem, mask_id, mask_name, mask_phone, normalise_id, sex_of

# Worked by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 into "10X98765432".
KNOWN_VALID = ["11010519491231002X", "320102198001011238"]


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_valid_numbers_pass(number):
    assert id_problem(number) is None


@pytest.mark.parametrize("number", ["110105194912310021", "320102198001011234", "320102198001011239"])
def test_a_wrong_check_digit_is_caught(number):
    assert id_problem(number) == "checksum"


@pytest.mark.parametrize("number", ["32010219800101123", "3201021980010112399", "32010219800A011239",
                                    "32010219800101123Y"])
def test_malformed_numbers_are_caught(number):
    assert id_problem(number) == "format"


def test_a_lower_case_x_is_normalised():
    assert normalise_id(" 11010519491231002x ") == "11010519491231002X"
    assert id_problem(normalise_id("11010519491231002x")) is None


def test_birth_date_and_sex_come_from_the_number():
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert birth_date_of("320102199902301239") is None  # 30 February
    assert sex_of("11010519491231002X") == "F"  # 17th digit 2: even
    assert sex_of("320102198001011238") == "M"  # 17th digit 3: odd


def test_masks():
    assert mask_id("320102198001011238") == "3201**********1238"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张伟") == "张*"
    assert mask_name("张小三") == "张*三"
    assert mask_name("欧阳小明") == "欧**明"
