"""The indicators' fixtures: registers inserted directly (registers_fixture.py, importable from here) and a
civil-affairs spec whose 低保户数 field is bound to an indicator over them."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from registers_fixture import bound_fields, count, with_registers  # noqa: E402
from spec_stories import civil_monthly, publish  # noqa: E402


@pytest.fixture
def bound(city):
    regs = with_registers(city)
    count(regs, "DIBAO_HH_COUNT", "DIBAO", "DIBAO_HOUSEHOLDS", kind="distinct", attribute="HOUSEHOLD_ID")
    regs.spec = publish(regs, civil_monthly(fields=bound_fields()), regs.erin)
    return regs
