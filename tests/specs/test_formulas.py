"""The formula language of report specifications: a department analyst writes computed fields and
审核公式 the way they appear on Chinese forms, and the center reads them safely, without eval."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fillonce.core.errors import ValidationError
from fillonce.specs.formulas import (
    Call,
    Chain,
    Compare,
    Formula,
    FormulaError,
    Logic,
    Name,
    Neg,
    Not,
    Num,
    check_computed,
    evaluate_all,
    parse,
    resolve,
)


def value(text: str, **values):
    return parse(text).evaluate(values)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("text, names", [
    ("低保人数 >= 低保户数", {"低保人数", "低保户数"}),
    ("0-6岁儿童数 <= 户籍人口", {"0-6岁儿童数", "户籍人口"}),
    ("60岁以上老人数<=户籍人口", {"60岁以上老人数", "户籍人口"}),
    ("3.5级以上地震次数 >= 0", {"3.5级以上地震次数"}),
    ("0~6岁儿童数 >= 0", {"0~6岁儿童数"}),
    ("[其中：女] <= [学生数]", {"其中：女", "学生数"}),
    ("【其中：男】 + [ 其中：女 ] == 学生数", {"其中：男", "其中：女", "学生数"}),
    ("其中：女 <= 学生数", {"其中：女", "学生数"}),
    ("低保、特困人数 >= 0", {"低保、特困人数"}),
    ("人口（万人） * 10000", {"人口（万人）"}),
    ("比率(%) <= 100", {"比率(%)"}),
    ("人均收入（元/人） > 0", {"人均收入（元/人）"}),
    ("参保人数 / 户籍人口 * 100", {"参保人数", "户籍人口"}),
    ("sum(男, 女) == 合计", {"男", "女", "合计"}),
    ("pop_2023 - a1", {"pop_2023", "a1"}),
    ("非农业人口 > 0", {"非农业人口"}),
    ("[and] + [且] + sum", {"and", "且", "sum"}),
])
def test_names_in_every_form(text, names):
    assert parse(text).names == names


@pytest.mark.parametrize("text, canonical", [
    ("a-b", "a - b"),  # ASCII identifiers: subtraction
    ("人口-户数", "人口 - 户数"),  # a minus after a Chinese character is subtraction
    ("户籍人口-0-6岁儿童数", "户籍人口 - 0-6岁儿童数"),  # … and an age range starts a name
    ("合计-10", "合计 - 10"),
    ("10-6", "10 - 6"),  # digits with no Chinese after them are numbers
    ("人口1-2", "人口1 - 2"),
    ("人口 (万人)", None),  # a space before the group: not part of the name, and not valid
])
def test_where_a_minus_or_a_group_belongs(text, canonical):
    if canonical is None:
        with pytest.raises(ValidationError):
            parse(text)
    else:
        assert parse(text).to_text() == canonical


# ---------------------------------------------------------------- operators and functions


@pytest.mark.parametrize("text", [
    "低保人数 ＞＝ 低保户数", "低保人数 ≥ 低保户数", "低保人数>=低保户数", "（低保人数）＞＝（低保户数）",
])
def test_full_width_and_math_operators(text):
    formula = parse(text)
    assert formula.to_text() == "低保人数 >= 低保户数"
    assert formula.evaluate({"低保人数": 5, "低保户数": 3}) is True


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("8 / 4 / 2", 1), ("-2 * 3", -6),
    ("2 * -3", -6), ("--2", 2), ("+2", 2), ("１２ × ３ ÷ ４", 9), ("5%", 0.05), ("1e3 + .5", 1000.5),
    ("1 + 2 > 2 and 1 < 0 or not 0 > 1", True), ("not 1 > 2 and 2 > 1", True),
    ("1 < 2 且 非 2 < 1", True), ("1 > 2 或 2 > 1", True), ("1 > 2 OR 2 > 1", True),
    ("3 = 3", True), ("3 ＝ 3", True), ("3 == 3", True), ("3 != 3", False), ("3 <> 4", True), ("3 ≠ 3", False),
    ("2 ≤ 2", True), ("2 < 2", False), ("0 <= 50 <= 100", True), ("0 <= 150 <= 100", False),
    ("sum(1, 2, 3)", 6), ("SUM（1，2）", 3), ("min(3, 1, 2)", 1), ("max(3, 1, 2)", 3), ("abs(-4)", 4),
    ("round(2.5)", 3), ("round(0.125, 2)", 0.13), ("round(-2.5)", -3), ("round(1234, -2)", 1200),
    ("if(1 > 0, 10, 20)", 10), ("if(1 < 0, 10, 20)", 20), ("isnull(1)", False),
])
def test_evaluation_and_precedence(text, expected):
    assert value(text) == expected


def test_comparisons_forgive_decimal_rounding():
    assert value("sum(a, b) == c", a=0.1, b=0.2, c=0.3) is True
    assert value("a + b <= c", a=0.1, b=0.2, c=0.3) is True
    assert value("a + b < c", a=0.1, b=0.2, c=0.3) is False


def test_missing_values_make_a_rule_not_checkable():
    assert value("a + b", a=1) is None
    assert value("a + b", a=1, b=None) is None
    assert value("a >= b", a=1) is None
    assert value("-a * 2") is None
    assert value("abs(a)") is None and value("round(a, 1)") is None
    assert value("sum(男, 女) == 合计", 男=3, 合计=3) is True  # sum() skips blanks
    assert value("sum(男, 女)") is None  # … but nothing at all is not zero
    assert value("min(a, b, 2)", a=5) == 2 and value("max(a)") is None
    assert value("isnull(a)") is True and value("isnull(a / 0)", a=1) is True
    assert value("if(a > 0, 1, 2)") is None
    assert value("if(1 > 0, 1, a)") == 1  # the branch not taken is not needed


def test_three_valued_logic():
    assert value("a > 0 and 1 < 0") is False
    assert value("a > 0 and 1 > 0") is None
    assert value("a > 0 or 1 > 0") is True
    assert value("a > 0 or 1 < 0") is None
    assert value("not a > 0") is None
    assert value("0 <= a <= 100", a=150) is False
    assert value("a <= b <= 100", b=150) is False  # one failing link decides


def test_division_by_zero_is_not_checkable():
    assert value("参保人数 / 户籍人口 * 100", 参保人数=5, 户籍人口=0) is None
    assert value("a / b > 1", a=1, b=0) is None
    assert value("参保人数 / 户籍人口 * 100", 参保人数=5, 户籍人口=10) == 50


def test_overflow_is_not_checkable():
    assert value("a * a", a=1e200) is None
    assert value("a / 3", a=10**400) is None
    assert value("a == 1.5", a=10**400) is False
    assert value("a > 1", a=float("nan")) is None


# ---------------------------------------------------------------- printing


@pytest.mark.parametrize("text, canonical", [
    ("a+b*c", "a + b * c"), ("(a+b)*c", "(a + b) * c"), ("a-(b-c)", "a - (b - c)"), ("a-(b+c)", "a - (b + c)"),
    ("(a-b)-c", "a - b - c"), ("a/(b*c)", "a / (b * c)"), ("-(a+b)", "-(a + b)"), ("not(a>b)", "not a > b"),
    ("(a>b)==(c>d)", "(a > b) == (c > d)"), ("a and (b or c)", "a and (b or c)"),
    ("(a and b) and c", "a and b and c"), ("1 + (not a)", "1 + (not a)"), ("a = 5%", "a == 0.05"),
    ("[其中：女]<=[学生数]", "其中：女 <= 学生数"), ("[户籍 人口] + [and] + [1e5]", "[户籍 人口] + [and] + [1e5]"),
    ("IF(a, b, c)", "if(a, b, c)"), ("x 且 y 或 非 z", "x and y or not z"),
])
def test_to_text_is_canonical(text, canonical):
    assert parse(text).to_text() == canonical
    assert parse(canonical).to_text() == canonical


# ---------------------------------------------------------------- resolving names to keys


NAMES = {"低保人数": "dibao_persons", "低保户数": "dibao_households", "A01": "dibao_persons",
         "其中：女": "female", "户籍人口": "pop"}


def test_resolve_rewrites_labels_codes_and_aliases_to_keys():
    resolved = resolve(parse("低保人数 >= 低保户数 and A01 <= [户籍人口]"), NAMES)
    assert resolved.names == {"dibao_persons", "dibao_households", "pop"}
    assert resolved.to_text() == "dibao_persons >= dibao_households and dibao_persons <= pop"
    assert resolve(parse("female <= pop"), NAMES).to_text() == "female <= pop"  # keys stand for themselves
    assert resolve(parse("[其中: 女] <= 户籍人口"), NAMES).to_text() == "female <= pop"  # width and spaces


def test_resolve_names_every_unknown_name_and_the_formula():
    with pytest.raises(ValidationError) as caught:
        resolve(parse("低保人数 >= 特困人数 + 孤儿数 + 孤儿数"), NAMES)
    assert len(caught.value.problems) == 2
    first = caught.value.problems[0]
    assert "特困人数" in str(first) and "低保人数 >= 特困人数 + 孤儿数 + 孤儿数" in str(first)
    assert "unknown name “特困人数”" in first.in_("en")


def test_resolve_refuses_an_ambiguous_loose_name():
    with pytest.raises(ValidationError, match="x_a、x_b"):
        resolve(parse("[人口 数] > 0"), {"人口数": "x_a", "人口 数 ": "x_b"})


# ---------------------------------------------------------------- computed fields


def test_computed_fields_are_ordered_by_what_they_use():
    fields = {"rate": "insured / total * 100", "total": "male + female", "gap": "rate - 100"}
    order = check_computed(fields)
    assert order.index("total") < order.index("rate") < order.index("gap")
    parsed = {key: parse(text) for key, text in fields.items()}
    result = evaluate_all(parsed, order, {"male": 30, "female": 20, "insured": 40, "total": 999})
    assert result["total"] == 50 and result["rate"] == 80 and result["gap"] == -20
    assert result["male"] == 30
    assert evaluate_all(fields, order, {"insured": 40})["rate"] is None


@pytest.mark.parametrize("fields, cycle", [
    ({"a": "b + 1", "b": "a * 2"}, "a → b → a"),
    ({"a": "b + 1", "b": "c * 2", "c": "x + a"}, "a → b → c → a"),
    ({"ok": "x + 1", "b": "c", "c": "d", "d": "b + ok"}, "b → c → d → b"),
    ({"a": "a + 1"}, "a → a"),
])
def test_a_cycle_of_computed_fields_is_named(fields, cycle):
    with pytest.raises(ValidationError) as caught:
        check_computed(fields)
    assert cycle in str(caught.value)
    assert cycle in caught.value.in_("en")


def test_a_computed_field_that_does_not_parse_is_named():
    with pytest.raises(ValidationError) as caught:
        check_computed({"rate": "insured / ", "total": "a +* b", "fine": "a"})
    assert len(caught.value.problems) == 2
    assert "字段 rate 的公式 “insured / ”" in str(caught.value.problems[0])
    assert caught.value.problems[1].in_("en").startswith("field total: ")


def test_a_long_chain_of_computed_fields():
    fields = {f"f{n}": f"f{n + 1} + 1" for n in range(3000)} | {"f3000": "x"}
    order = check_computed(fields)
    assert order[0] == "f3000" and order[-1] == "f0"
    assert evaluate_all(fields, order, {"x": 1})["f0"] == 3001


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("text, position, zh, en", [
    ("低保人数 >= ", 8, "缺少数值", "expected a value"),
    ("(a + b", 7, "缺少右括号", "expected “)”"),
    ("a + * b", 5, "缺少数值", "found “*”"),
    ("a # b", 3, "无法识别的字符 “#”", "unexpected character “#”"),
    ("[其中：女 <= 1", 1, "没有闭合", "not closed"),
    ("[ ] > 1", 1, "方括号内缺少名称", "empty brackets"),
    ("a b", 3, "缺少运算符", "expected an operator"),
    ("a > b)", 6, "多余的 “)”", "unexpected “)”"),
    ("average(a, b)", 1, "未知函数 “average”", "unknown function “average”"),
    ("1 + round(1, 2, 3)", 5, "需要 1 至 2 个参数，实有 3 个", "takes 1 to 2 arguments, got 3"),
    ("if(a, b)", 1, "需要 3 个参数", "takes 3 arguments"),
    ("sum()", 1, "至少 1 个参数", "at least 1 arguments"),
    ("a and", 6, "缺少数值", "expected a value"),
    ("1e99999 > a", 1, "数值超出范围", "number out of range"),
    ("人口 (万人)", 4, "缺少运算符", "expected an operator"),
])
def test_errors_name_the_formula_and_the_character(text, position, zh, en):
    with pytest.raises(FormulaError) as caught:
        parse(text)
    error = caught.value
    assert isinstance(error, ValidationError)
    assert error.position == position and error.formula == text
    assert f"公式 “{text}” 第 {position} 个字符处" in str(error) and zh in str(error)
    assert f"formula “{text}”" in error.in_("en") and en in error.in_("en")
    assert f"at character {position}" in error.in_("en")


def test_an_empty_formula():
    with pytest.raises(ValidationError, match="公式为空"):
        parse("   ")


@pytest.mark.parametrize("text", ["(" * 1000 + "1" + ")" * 1000, "-" * 1000 + "1", "not " * 1000 + "a",
                                  "sum(" * 1000 + "1" + ")" * 1000])
def test_deep_nesting_is_refused_not_a_crash(text):
    with pytest.raises(ValidationError, match="嵌套过深"):
        parse(text)


def test_long_flat_formulas_evaluate():
    assert value(" + ".join(["1"] * 20000)) == 20000
    assert value(" and ".join(["1 > 0"] * 5000)) is True


# ---------------------------------------------------------------- properties

POOL = ["a", "b_1", "低保人数", "0-6岁儿童数", "其中：女", "人口（万人）", "sum", "and", "且", "1e5", "x y", "[x"]

numbers = st.one_of(st.integers(-10**20, 10**20),
                    st.floats(allow_nan=False, allow_infinity=False))
leaves = st.one_of(st.builds(Num, numbers), st.builds(Name, st.sampled_from(POOL)))


def _extend(kids):
    def chain(ops):
        return st.builds(lambda first, rest: Chain(first, tuple(rest)), kids,
                         st.lists(st.tuples(st.sampled_from(ops), kids), min_size=1, max_size=3))

    return st.one_of(
        st.builds(Neg, kids), st.builds(Not, kids), chain("+-"), chain("*/"),
        st.builds(lambda xs, ops: Compare(tuple(xs), tuple(ops[:len(xs) - 1])),
                  st.lists(kids, min_size=2, max_size=3),
                  st.lists(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), min_size=2, max_size=2)),
        st.builds(Logic, st.sampled_from(["and", "or"]), st.lists(kids, min_size=2, max_size=3).map(tuple)),
        st.builds(Call, st.sampled_from(["sum", "min", "max"]), st.lists(kids, min_size=1, max_size=3).map(tuple)),
        st.builds(lambda fn, x: Call(fn, (x,)), st.sampled_from(["abs", "isnull", "round"]), kids),
        st.builds(lambda x, n: Call("round", (x, n)), kids, kids),
        st.builds(lambda *xs: Call("if", xs), kids, kids, kids),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)
values = st.dictionaries(st.sampled_from(POOL), st.one_of(st.none(), st.booleans(), numbers))


def _depth(node) -> int:
    kids = {Neg: lambda n: [n.operand], Not: lambda n: [n.operand], Chain: lambda n: [n.first, *(x for _, x in n.rest)],
            Compare: lambda n: n.operands, Logic: lambda n: n.operands, Call: lambda n: n.args}
    return 1 + max((_depth(k) for k in kids[type(node)](node)), default=0) if type(node) in kids else 1


@settings(max_examples=400, deadline=None)
@given(trees, values)
def test_round_trip_through_text_keeps_the_meaning(tree, vals):
    assume(_depth(tree) <= 30)
    text = Formula(tree).to_text()
    again = parse(text)
    assert again.to_text() == text
    assert again.evaluate(vals) == Formula(tree).evaluate(vals)
    assert again.names == Formula(tree).names


ALPHABET = "ab_019.+-*/()（）[]【】<>=!≥≤＞＝,， 且或非人口岁儿童、：%eE~"


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(ALPHABET, max_size=40), st.text(max_size=40)), values)
def test_the_parser_only_ever_raises_validation_errors(text, vals):
    try:
        formula = parse(text)
    except ValidationError:
        return
    result = formula.evaluate(vals)
    assert result is None or isinstance(result, (bool, int, float))
    canonical = formula.to_text()
    assert parse(canonical).to_text() == canonical
    assert parse(canonical).evaluate(vals) == result
