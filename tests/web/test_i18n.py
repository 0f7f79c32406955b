"""Chinese is the default everywhere: every page string has a zh_CN translation."""

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "i18n.py"


def test_every_template_string_is_translated_to_chinese():
    spec = importlib.util.spec_from_file_location("i18n_tool", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.template_msgids(), "no translatable strings found: the extraction pattern is broken"
    assert tool.missing() == []
