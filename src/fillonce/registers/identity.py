"""Resident ID numbers (GB 11643-1999) and the masks personal data is shown with. Pure functions."""

from __future__ import annotations

import re
from datetime import date
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
CHECK_CODES = "10X98765432"
WELL_FORMED = re.compile(r"[0-9]{17}[0-9X]")
_ZERO_OFFSET = ord("0") * sum(WEIGHTS)  # the digits' bytes minus "0", summed once instead of per digit


def normalise_id(raw: object) -> str:
    """Upper-case, without spaces; a spreadsheet's number cell comes back as text."""
    return str(raw).strip().replace(" ", "").upper()


def check_code(first17: str) -> str:
    return CHECK_CODES[(sum(map(mul, WEIGHTS, first17.encode("ascii"))) - _ZERO_OFFSET) % 11]


def id_problem(number: str) -> str | None:
    """None for a well-formed 18-digit ID with a correct check code, else the reason (an English key)."""
    if WELL_FORMED.fullmatch(number) is None:
        return "format"
    if check_code(number[:17]) != number[17]:
        return "checksum"
    return None


def birth_date_of(number: str) -> date | None:
    """The birth date written in the ID (positions 7-14), or None when no such day exists."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex_of(number: str) -> str:
    """The 17th digit: odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def mask_id(number: str) -> str:
    """3201**********1234: the region's first digits and the last four, nothing of the birth date."""
    if len(number) < 9:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张*三 / 张*: the family name and, for longer names, the last character."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
