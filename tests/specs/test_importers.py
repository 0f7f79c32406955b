"""Importing report specifications: YAML and JSON, a department's Excel template, an XLSForm.

Every input is built in tmp_path. Bad inputs must fail with one ValidationError naming every
problem with its file and place, in Chinese and English.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fillonce.core.errors import ValidationError
from fillonce.specs.draft import FieldDraft, RuleDraft, SpecDraft
from fillonce.specs.importers import dump_yaml, load_spec, parse_period_type

# --- helpers --------------------------------------------------------------------------------------


def write_yaml(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def problems_of(path: Path, **options: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_spec(path, **options)
    problems = caught.value.problems
    for problem in problems:  # every problem speaks both languages and names the file
        assert path.name in problem.zh and path.name in problem.en, problem
    return [problem.zh for problem in problems]


def english_of(path: Path, **options: object) -> str:
    with pytest.raises(ValidationError) as caught:
        load_spec(path, **options)
    return caught.value.in_("en")


GOOD_YAML = """\
# 民政局的困难群众救助月报
表号: 民统月01表
标题: 困难群众救助情况表
title_en: Assistance to people in difficulty
制表机关: MZJ
报告期: 月报
批准文号: 民统制〔2026〕3号
有效期限: 2027年12月
报送期限: 次月10日前
fields:
  - key: DB_HH
    label: 低保户数
    unit: 户
    element: MZ_DIBAO_HH
  - key: DB_P
    label: 低保人数
    unit: 人
  - key: DB_M
    label: 低保人数/男
    category: SEX
    unit: 人
    required: false
  - key: TOTAL
    label: 救助人数合计
    formula: DB_P + TEMP_P
  - key: TEMP_P
    label: 临时救助人次
    unit: 人次
rules:
  - expression: DB_P >= DB_HH
    severity: error
    message: 低保人数不应少于低保户数
  - expression: TEMP_P <= 1000
    severity: 警告
    message: {zh: 临时救助人次异常偏高, en: Unusually many temporary assistance cases}
"""


# --- YAML and JSON --------------------------------------------------------------------------------


def test_yaml_with_chinese_aliases_becomes_a_draft(tmp_path):
    draft = load_spec(write_yaml(tmp_path, GOOD_YAML))
    assert draft.form_number == "民统月01表"
    assert draft.title_zh == "困难群众救助情况表"
    assert draft.title_en == "Assistance to people in difficulty"
    assert draft.department_code == "MZJ"
    assert draft.period_type == "monthly"
    assert (draft.approval_number, draft.approval_kind) == ("民统制〔2026〕3号", "批准")
    assert draft.valid_until == date(2027, 12, 31)  # a month means its last day
    assert draft.deadline_days == 10
    assert [f.key for f in draft.fields] == ["DB_HH", "DB_P", "DB_M", "TOTAL", "TEMP_P"]
    assert draft.fields[0] == FieldDraft("DB_HH", "低保户数", element_code="MZ_DIBAO_HH", unit="户")
    assert draft.fields[2].category == "SEX" and draft.fields[2].required is False
    total = draft.fields[3]
    assert (total.kind, total.formula, total.required) == ("computed", "DB_P + TEMP_P", False)
    assert draft.rules == [
        RuleDraft("DB_P >= DB_HH", "error", "低保人数不应少于低保户数"),
        RuleDraft("TEMP_P <= 1000", "warning", "临时救助人次异常偏高", "Unusually many temporary assistance cases"),
    ]


def test_english_keys_and_filing_number(tmp_path):
    path = write_yaml(tmp_path, """\
form_number: "010"
title_zh: 老年人基本情况
department_code: WJW
period_type: quarterly
备案文号: 卫统备〔2025〕7号
valid_until: 2026-06-30
deadline_days: 15
grace_days: 3
target_units: [D01, D02]
requires_review: yes
fields:
  - {key: OLD_60, label: 60岁以上老年人数, unit: 人}
""")
    draft = load_spec(path)
    assert draft.form_number == "010"
    assert (draft.approval_number, draft.approval_kind) == ("卫统备〔2025〕7号", "备案")
    assert draft.valid_until == date(2026, 6, 30)
    assert (draft.deadline_days, draft.grace_days) == (15, 3)
    assert draft.target_units == ("D01", "D02") and draft.target_level is None
    assert draft.requires_review is True


def test_a_number_as_written_in_yaml_stays_as_written(tmp_path):
    # YAML 1.1 would read 010 as the octal number 8; a 表号 is text.
    path = write_yaml(tmp_path, "表号: 010\n标题: 表\n制表机关: MZJ\n报告期: 年报\nfields:\n  - {key: A, label: 户数}\n")
    assert load_spec(path).form_number == "010"


def test_json_spec(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({
        "form_number": "残统季02表", "title": "残疾人两项补贴", "department": "CL", "period": "季报",
        "valid_until": "2027/06/30",
        "fields": [{"key": "K1", "label": "困难残疾人生活补贴人数", "unit": "人"},
                   {"key": "K2", "label": "重度残疾人护理补贴人数", "unit": "人"}],
        "rules": [{"expression": "K1 >= 0", "severity": "error", "message": "不能为负"}],
    }, ensure_ascii=False), encoding="utf-8")
    draft = load_spec(path)
    assert (draft.department_code, draft.period_type, draft.valid_until) == ("CL", "quarterly", date(2027, 6, 30))
    assert draft.rules[0].message_zh == "不能为负"


def test_options_fill_in_what_the_file_leaves_out(tmp_path):
    path = write_yaml(tmp_path, "表号: X1\n标题: 表\nfields:\n  - {key: A, label: 户数}\n")
    draft = load_spec(path, department_code="MZJ", period_type="半年报")
    assert (draft.department_code, draft.period_type) == ("MZJ", "six_monthly")


def test_options_that_contradict_the_file_are_problems(tmp_path):
    path = write_yaml(tmp_path, "表号: X1\n标题: 表\n制表机关: MZJ\n报告期: 月报\nfields:\n  - {key: A, label: 户数}\n")
    problems = problems_of(path, department_code="WJW", period_type="yearly")
    assert any("MZJ" in p and "WJW" in p for p in problems)
    assert any("月报" in p and "年报" in p for p in problems)


def test_period_type_names(tmp_path):
    assert [parse_period_type(t) for t in ("daily", "周报", "Monthly", "季度", "six-monthly", "年报")] == [
        "daily", "weekly", "monthly", "quarterly", "six_monthly", "yearly"]
    assert parse_period_type("旬报") is None


# --- round trip -----------------------------------------------------------------------------------


def test_dump_yaml_round_trips(tmp_path):
    draft = load_spec(write_yaml(tmp_path, GOOD_YAML))
    again = load_spec(write_yaml(tmp_path, dump_yaml(draft), "again.yaml"))
    assert again == draft


def test_dump_yaml_round_trips_a_hand_built_draft(tmp_path):
    draft = SpecDraft(
        form_number="2024", title_zh="yes", department_code="TJJ", period_type="weekly", title_en="null",
        approval_number="", approval_kind="备案", valid_until=None, purpose="监测：用于“一表通”", deadline_days=0,
        grace_days=2, target_level=None, target_units=("330102", "330103"), requires_review=True,
        fields=[FieldDraft("a", "甲", unit="%", required=False, source="x.xlsx Sheet1!C4"),
                FieldDraft("b", "乙", kind="register", element_code="E_B", category="AGE_GROUP"),
                FieldDraft("c", "丙", kind="computed", formula="a + b", required=True)],
        rules=[RuleDraft("c > 0", "warning"), RuleDraft("a <= 100", "error", "比例", "rate")],
    )
    text = dump_yaml(draft)
    assert load_spec(write_yaml(tmp_path, text)) == draft


def test_dump_yaml_round_trips_an_imported_template(tmp_path):
    draft = load_spec(civil_affairs_template(tmp_path), departments={"民政局": "MZJ"})
    again = load_spec(write_yaml(tmp_path, dump_yaml(draft)))
    assert again == draft
    assert again.fields[0].source == "民政.xlsx Sheet1!C6"


# --- bad YAML and JSON ----------------------------------------------------------------------------


def test_every_problem_of_a_yaml_file_is_listed_with_its_line(tmp_path):
    path = write_yaml(tmp_path, """\
标题: 表
制表机关: 民政局
报告期: 旬报
有效期限: 明年年底
报送期限: 5个工作日
target_level: 0
fields:
  - {key: A, label: 户数, requried: true}
  - {key: A, label: 人数}
  - {key: 1bad, label: 人口}
  - {key: C, label: 合计, formula: A + * 2}
  - {label: 无键}
  - not a mapping
rules:
  - {expression: A > 0, severity: fatal}
  - {expression: "C >= (A"}
""")
    problems = problems_of(path)
    joined = "\n".join(problems)
    for expected in (
        "缺少表号",                       # form_number missing
        "民政局",                          # a name, not a code
        "旬报",                            # unknown period type
        "明年年底",                        # a date that does not parse
        "工作日",                          # working days
        "target_level",                   # below 1
        "requried",                       # unknown key, a typo
        "字段键 A 重复",                    # duplicate key
        "1bad",                           # invalid key
        "公式 “A + * 2” 第 5 个字符处缺少数值",   # a formula that does not parse
        "缺少字段键",                        # key missing
        "每个字段应为键值映射",                # not a mapping
        "fatal",                          # severity
        "缺少右括号",
    ):
        assert expected in joined, expected
    assert any("第 8 行" in p and "requried" in p for p in problems)
    assert any("第 9 行" in p and "重复" in p for p in problems)
    assert any("第 4 行" in p and "明年年底" in p for p in problems)


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    path = write_yaml(tmp_path, "表号: X\nfields:\n  - {key: A, label: 户数\n")
    [problem] = problems_of(path)
    assert "YAML 格式错误" in problem and "第 4 行" in problem


def test_yaml_duplicate_keys_are_problems(tmp_path):
    path = write_yaml(tmp_path, "表号: X\n标题: 表\n制表机关: MZJ\n报告期: 月报\n表号: Y\nfields:\n  - {key: A, label: 户数}\n")
    problems = problems_of(path)
    assert any("第 5 行" in p and "重复" in p for p in problems)


def test_alias_and_key_given_together(tmp_path):
    path = write_yaml(tmp_path, "表号: X\nform_number: Y\n标题: 表\n制表机关: MZJ\n报告期: 月报\nfields:\n  - {key: A, label: 户数}\n")
    assert any("同一项" in p for p in problems_of(path))


def test_top_level_must_be_a_mapping(tmp_path):
    assert any("顶层应为键值映射" in p for p in problems_of(write_yaml(tmp_path, "- a\n- b\n")))


def test_json_syntax_error(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{"form_number": "X",\n "fields": [}', encoding="utf-8")
    [problem] = problems_of(path)
    assert "JSON 格式错误" in problem and "第 2 行" in problem


def test_formulas_may_name_fields_by_label(tmp_path):
    # The project's formula language resolves labels; element names are resolved later by the service.
    path = write_yaml(tmp_path, """\
表号: X
标题: 表
制表机关: MZJ
报告期: 月报
fields:
  - {key: HH, label: 低保户数}
  - {key: P, label: 低保人数}
  - {key: T, label: 合计, formula: "[低保人数] + 特困人员数"}
rules:
  - {expression: 低保人数 >= 低保户数}
""")
    draft = load_spec(path)
    assert draft.fields[2].formula == "[低保人数] + 特困人员数"  # kept as written
    assert draft.rules[0].expression == "低保人数 >= 低保户数"


def test_computed_fields_may_not_form_a_cycle(tmp_path):
    path = write_yaml(tmp_path, """\
表号: X
标题: 表
制表机关: MZJ
报告期: 月报
fields:
  - {key: A, label: 甲, formula: B + 1}
  - {key: B, label: 乙, formula: 甲 + 1}
  - {key: C, label: 丙}
""")
    assert any("循环引用" in p for p in problems_of(path))


def test_missing_department_and_period_are_explained(tmp_path):
    path = write_yaml(tmp_path, "表号: X\n标题: 表\nfields:\n  - {key: A, label: 户数}\n")
    problems = problems_of(path)
    assert any("缺少制表机关" in p and "department_code" in p for p in problems)
    assert any("缺少报告期类型" in p and "period_type" in p for p in problems)
    assert "department_code" in english_of(path)


def test_unknown_period_type_option(tmp_path):
    path = write_yaml(tmp_path, "表号: X\n标题: 表\n制表机关: MZJ\nfields:\n  - {key: A, label: 户数}\n")
    assert any("旬报" in p for p in problems_of(path, period_type="旬报"))


# --- the department's own Excel template ---------------------------------------------------------


def civil_affairs_template(tmp_path: Path, name: str = "民政.xlsx") -> Path:
    """A monthly form with a merged title, marking lines and a two-level header."""
    rows = [
        ["困难群众救助情况月报表"],
        [None, None, None, None, None, "表　　号：民统月01表"],
        [None, None, None, None, None, "制表机关：XX市民政局"],
        [None, None, None, None, None, "批准文号：", "民统制〔2026〕3号"],
        ["填报单位：", None, None, None, None, "有效期至：2027年12月"],
        ["序号", "村（社区）名称", "户籍人口（人）", None, None, "低保", None, "临时救助金额（元）", "其中：", None, "备注"],
        [None, None, "合计", "男", "女", "户数（户）", "人数（人）", None, "小计", "医疗救助", None],
        [1, "青山村", 100, 52, 48, 3, 7, 1000, 5, 5, None],
    ]
    merges = ["A1:K1", "A6:A7", "B6:B7", "C6:E6", "F6:G6", "H6:H7", "I6:J6", "K6:K7"]
    return write_xlsx(tmp_path / name, {"Sheet1": rows}, {"Sheet1": merges})


def test_excel_template_becomes_a_draft(tmp_path):
    draft = load_spec(civil_affairs_template(tmp_path), departments={"民政局": "MZJ", "统计局": "TJJ"})
    assert draft.form_number == "民统月01表"
    assert draft.title_zh == "困难群众救助情况月报表"
    assert draft.department_code == "MZJ"
    assert draft.period_type == "monthly"  # the title (月报) and the form number (民统月) agree
    assert (draft.approval_number, draft.approval_kind) == ("民统制〔2026〕3号", "批准")  # value in the next cell
    assert draft.valid_until == date(2027, 12, 31)
    labels = [(f.key, f.label_zh, f.unit) for f in draft.fields]
    assert labels == [
        ("F01", "户籍人口/合计", "人"), ("F02", "户籍人口/男", "人"), ("F03", "户籍人口/女", "人"),
        ("F04", "低保/户数", "户"), ("F05", "低保/人数", "人"), ("F06", "临时救助金额", "元"),
        ("F07", "其中：/小计", ""), ("F08", "其中：/医疗救助", ""),
    ]
    assert all(f.element_code is None for f in draft.fields)
    assert draft.fields[0].source == "民政.xlsx Sheet1!C6"
    # 户籍人口/合计 is clearly 男 + 女; the 其中 group's 小计 has one sibling only: a plain field
    assert (draft.fields[0].kind, draft.fields[0].formula, draft.fields[0].required) == ("computed", "F02 + F03", False)
    assert [f.kind for f in draft.fields[1:]] == ["element"] * 7


def test_template_total_over_parts_stays_a_plain_field(tmp_path):
    rows = [
        ["党员情况季报"],
        ["表号：组统季1表", None, None, None],
        ["村", "党员", None, None],
        [None, "合计", "其中：女", "60岁以上"],
    ]
    path = write_xlsx(tmp_path / "组织.xlsx", {"Sheet1": rows}, {"Sheet1": ["A1:D1", "A3:A4", "B3:D3"]})
    draft = load_spec(path, department_code="ZZB")
    assert draft.period_type == "quarterly"
    assert [f.label_zh for f in draft.fields] == ["党员/合计", "党员/其中：女", "党员/60岁以上"]
    assert all(f.kind == "element" for f in draft.fields)


def test_template_options_and_resolution(tmp_path):
    path = civil_affairs_template(tmp_path)
    draft = load_spec(path, department_code="MZJ", period_type="monthly")
    assert draft.department_code == "MZJ"
    problems = problems_of(path, departments={"民政局": "MZJ"}, department_code="TJJ", period_type="季报")
    assert any("MZJ" in p and "TJJ" in p for p in problems)
    assert any("季报" in p for p in problems)


def test_template_without_department_or_period(tmp_path):
    rows = [["救助情况表"], ["表号：X1表"], ["村（社区）", "低保户数", "低保人数"], ["青山村", 1, 2]]
    path = write_xlsx(tmp_path / "无机关.xlsx", {"Sheet1": rows})
    problems = problems_of(path)
    assert any("缺少制表机关" in p for p in problems)
    assert any("缺少报告期类型" in p for p in problems)
    draft = load_spec(path, department_code="MZJ", period_type="年报")
    assert (draft.period_type, [f.key for f in draft.fields]) == ("yearly", ["F01", "F02"])


def test_template_period_from_the_report_period_line_and_ambiguity(tmp_path):
    rows = [["人口情况表"], ["表号：民统月02表", None, "报告期：    年    月"], ["村", "户数", "人数"]]
    path = write_xlsx(tmp_path / "报告期.xlsx", {"Sheet1": rows})
    assert load_spec(path, department_code="MZJ").period_type == "monthly"
    rows = [["人口情况季报"], ["表号：民统月02表"], ["村", "户数", "人数"]]
    path = write_xlsx(tmp_path / "矛盾.xlsx", {"Sheet1": rows})
    assert any("报告期类型不一致" in p for p in problems_of(path, department_code="MZJ"))


def test_template_with_bad_markings_lists_them_all(tmp_path):
    rows = [
        ["人口情况月报"],
        ["表号：民统月03表", None, "有效期至：长期有效"],
        ["制表机关：XX市民政局", None, "批准文号：A", "备案文号：B"],
        ["村", "户数", "户数"],
    ]
    path = write_xlsx(tmp_path / "坏.xlsx", {"Sheet1": rows})
    problems = problems_of(path)
    assert any("坏.xlsx Sheet1!C2" in p and "长期有效" in p for p in problems)
    assert any("Sheet1!A3" in p and "无法对应到部门代码" in p for p in problems)
    assert any("批准文号与备案文号只能有一个" in p for p in problems)
    assert any("列名「户数」重复" in p and "Sheet1!C4" in p for p in problems)


def test_template_with_several_forms_needs_a_sheet(tmp_path):
    header = ["村", "户数", "人数"]
    path = write_xlsx(tmp_path / "多表.xlsx", {"一": [["表号：民统月1表"], header], "二": [["表号：民统月2表"], header]})
    assert any("请指定要导入的工作表" in p for p in problems_of(path, department_code="MZJ"))
    assert load_spec(path, department_code="MZJ", sheet="二").form_number == "民统月2表"
    assert any("「三」" in p for p in problems_of(path, department_code="MZJ", sheet="三"))


def test_template_with_only_bookkeeping_columns(tmp_path):
    path = write_xlsx(tmp_path / "登记.xlsx", {"Sheet1": [["表号：A月1表"], ["序号", "村（社区）名称", "备注"]]})
    assert any("没有要填报的指标列" in p for p in problems_of(path, department_code="MZJ"))


# --- bad workbooks --------------------------------------------------------------------------------


def test_empty_sheet(tmp_path):
    path = write_xlsx(tmp_path / "空.xlsx", {"Sheet1": []})
    problems = problems_of(path)
    assert any("空.xlsx Sheet1!A1" in p and "为空" in p for p in problems)


def test_no_header(tmp_path):
    path = write_xlsx(tmp_path / "无表头.xlsx", {"Sheet1": [["只有一行说明文字"], [1, 2, 3], [4, 5, 6]]})
    assert any("未找到表头" in p and "无表头.xlsx Sheet1!A1" in p for p in problems_of(path))


def test_not_an_xlsx_file(tmp_path):
    path = tmp_path / "伪装.xlsx"
    path.write_text("序号,村,户数\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert "不是 xlsx 文件" in problem


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le"))
    [problem] = problems_of(path)
    assert "已加密" in problem
    assert "encrypted" in english_of(path)


def test_old_xls_and_damaged_and_empty_files(tmp_path):
    old = tmp_path / "旧.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "旧版 Excel" in problems_of(old)[0]
    damaged = tmp_path / "坏.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert "已损坏" in problems_of(damaged)[0]
    word = tmp_path / "文档.xlsx"
    with zipfile.ZipFile(word, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    assert "xl/workbook.xml" in problems_of(word)[0]
    empty = tmp_path / "零.yaml"
    empty.write_bytes(b"")
    assert "文件为空" in problems_of(empty)[0]


def test_unsupported_file_types(tmp_path):
    csv = tmp_path / "表.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    assert ".yaml" in problems_of(csv)[0]
    xls = tmp_path / "表.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为 .xlsx" in problems_of(xls)[0]


# --- XLSForm --------------------------------------------------------------------------------------


def xlsform(tmp_path: Path, survey: list[list[object]], settings: list[list[object]] | None = None,
            choices: list[list[object]] | None = None, name: str = "采集.xlsx") -> Path:
    sheets = {"survey": survey}
    if settings is not None:
        sheets["settings"] = settings
    if choices is not None:
        sheets["choices"] = choices
    return write_xlsx(tmp_path / name, sheets)


SURVEY_HEADER = ["type", "name", "label", "label::Chinese (zh)", "required", "constraint",
                 "constraint_message::Chinese (zh)", "constraint_message::English (en)", "calculation"]


def good_xlsform(tmp_path: Path) -> Path:
    survey = [
        SURVEY_HEADER,
        ["start", "start"],
        ["note", "intro", "Intro", "说明：按户籍统计"],
        ["begin group", "dibao", "Minimum living", "低保"],
        ["integer", "hh", "Households", "户数", "yes", ". >= 0", "户数不能为负", "Cannot be negative"],
        ["integer", "persons", "Persons", "人数", "yes", ". >= ${hh}", "人数不应少于户数"],
        ["end group"],
        ["decimal", "amount", "Amount", "救助金额（元）", "no"],
        ["select_one yes_no", "has_centre", "Has a centre", "是否有救助站"],
        ["date", "checked_on", "Checked on", "核查日期"],
        ["calculate", "avg", None, None, None, None, None, None, "${amount} div ${persons}"],
        ["calculate", "both", "Both", "户数人数合计", None, None, None, None, "${hh} + ${persons}"],
    ]
    settings = [["form_title", "form_id", "version", "department_code", "period_type"],
                ["低保情况采集表", "民统月05表", "2026010101", "MZJ", "月报"]]
    choices = [["list_name", "name", "label"], ["yes_no", "1", "是"], ["yes_no", "0", "否"]]
    return xlsform(tmp_path, survey, settings, choices)


def test_xlsform_becomes_a_draft(tmp_path):
    draft = load_spec(good_xlsform(tmp_path))
    assert (draft.form_number, draft.title_zh, draft.department_code, draft.period_type) == (
        "民统月05表", "低保情况采集表", "MZJ", "monthly")
    assert [(f.key, f.label_zh, f.kind, f.required) for f in draft.fields] == [
        ("hh", "低保/户数", "element", True),
        ("persons", "低保/人数", "element", True),
        ("amount", "救助金额（元）", "element", False),
        ("has_centre", "是否有救助站", "element", False),
        ("checked_on", "核查日期", "element", False),
        ("avg", "avg", "computed", False),
        ("both", "户数人数合计", "computed", False),
    ]
    assert draft.fields[5].formula == "amount / persons"
    assert draft.fields[6].formula == "hh + persons"
    assert draft.fields[0].source == "采集.xlsx survey!B5"
    assert draft.rules == [
        RuleDraft("hh >= 0", "error", "户数不能为负", "Cannot be negative"),
        RuleDraft("persons >= hh", "error", "人数不应少于户数", ""),
    ]


def test_xlsform_round_trips_through_yaml(tmp_path):
    draft = load_spec(good_xlsform(tmp_path))
    assert load_spec(write_yaml(tmp_path, dump_yaml(draft))) == draft


def test_xlsform_expressions_become_formulas_over_keys(tmp_path):
    survey = [["type", "name", "label", "constraint", "calculation"],
              ["integer", "a", "甲", ". = 0 or . != 1"],
              ["integer", "b", "乙", ". >= 0 and . <= ${a}*2"],
              ["calculate", "c", "丙", None, "if(${a} > 0, ${b} div ${a}, 0)"]]
    path = xlsform(tmp_path, survey, [["form_title", "form_id"], ["表", "X1"]])
    draft = load_spec(path, department_code="MZJ", period_type="quarterly")
    assert [r.expression for r in draft.rules] == ["a == 0 or a != 1", "b >= 0 and b <= a * 2"]
    assert draft.fields[2].formula == "if(a > 0, b / a, 0)"
    assert draft.rules[0].message_zh  # a default message when the form gives none


def test_xlsform_expressions_the_formula_language_cannot_hold(tmp_path):
    survey = [["type", "name", "label", "constraint", "calculation"],
              ["integer", "a", "甲", ". mod 2 = 0"],
              ["text", "b", "乙", "string-length(.) > 3"],
              ["select_one yn", "c", "丙", "selected(., 'yes')"],
              ["calculate", "d", "丁", None, "${a} +"]]
    path = xlsform(tmp_path, survey, [["form_title", "form_id"], ["表", "X1"]],
                   choices=[["list_name", "name", "label"], ["yn", "yes", "是"]])
    problems = problems_of(path, department_code="MZJ", period_type="monthly")
    assert len(problems) == 4, problems  # one each, at the cell that holds it
    assert "survey!D2" in problems[0] and "mod" in problems[0]
    assert "survey!D3" in problems[1] and "length" in problems[1]
    assert "survey!D4" in problems[2] and "引号" in problems[2]
    assert "survey!E5" in problems[3] and "缺少数值" in problems[3]


def test_xlsform_problems_are_all_listed_with_cells(tmp_path):
    survey = [
        ["type", "name", "label", "calculation", "required"],
        ["integer", "a", "甲"],
        ["integer", "a", "甲again"],
        ["integer", "bad-name", "乙"],
        ["geopoint", "where", "位置"],
        ["begin repeat", "members", "成员"],
        ["end repeat"],
        ["select_one missing_list", "c", "丙"],
        ["calculate", "d", "丁", "${a} + ${nope}"],
        ["calculate", "e", "戊"],
        ["integer", "f", "己", None, "sometimes"],
        [None, "g", "庚"],
        ["begin group", "grp", "组"],
    ]
    path = xlsform(tmp_path, survey, [["form_title", "form_id", "period_type"], ["表", "X1", "旬报"]],
                   choices=[["list_name", "name", "label"], ["yes_no", "1", "是"]])
    problems = problems_of(path, department_code="MZJ")
    joined = "\n".join(problems)
    for expected in (
        "survey!B3：字段键 a 重复",
        "bad-name",
        "survey!A5：不支持的题目类型 「geopoint」",
        "survey!A6：不支持重复组",
        "survey!A8：choices 工作表中没有选项列表 missing_list",
        "survey!D9：引用了不存在的题目 ${nope}",
        "survey!D10：计算字段缺少公式",
        "survey!E11：required 应为 yes 或 no",
        "survey!A12：缺少题目类型",
        "survey!A13：begin group「组」 没有对应的 end group",
        "settings!C2：未知的报告期类型 「旬报」",
    ):
        assert expected in joined, expected


def test_xlsform_without_settings_or_header(tmp_path):
    path = xlsform(tmp_path, [["type", "name", "label"], ["integer", "a", "甲"]])
    problems = problems_of(path, department_code="MZJ", period_type="monthly")
    assert any("缺少 settings 工作表" in p for p in problems)
    assert any("缺少表号" in p for p in problems)
    path = xlsform(tmp_path, [["label"], ["甲"]], [["form_title", "form_id"], ["表", "X1"]], name="无类型.xlsx")
    assert any("缺少 type、name 列" in p for p in problems_of(path, department_code="MZJ", period_type="monthly"))
    path = xlsform(tmp_path, [], [["form_title", "form_id"], ["表", "X1"]], name="空问卷.xlsx")
    assert any("survey 工作表为空" in p for p in problems_of(path, department_code="MZJ", period_type="monthly"))


def test_xlsform_select_without_choices_sheet(tmp_path):
    survey = [["type", "name", "label"], ["select_one yes_no", "a", "甲"]]
    path = xlsform(tmp_path, survey, [["form_title", "form_id"], ["表", "X1"]])
    assert any("需要 choices 工作表" in p for p in problems_of(path, department_code="MZJ", period_type="monthly"))
