"""The formula language of report specifications: computed fields and validation formulas (审核公式).

A formula is parsed by its own tokenizer and recursive-descent parser (user text never reaches
Python's ``eval`` or ``ast``) into a tree of frozen nodes, evaluated over a mapping of values.

Grammar, loosest binding first::

    expr     := and (("or" | "或") and)*
    and      := not (("and" | "且") not)*
    not      := ("not" | "非") not | compare
    compare  := additive (("==" | "=" | "!=" | "<>" | ">=" | "<=" | ">" | "<") additive)*
    additive := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := ("-" | "+") unary | primary
    primary  := number | name | function "(" [expr ("," expr)*] ")" | "(" expr ")"

Full-width forms are the same characters: ＞＝ ＝ （） ， ＋ － and full-width digits; also ≥ ≤ ≠ × ÷,
and 【…】 for […]. Keywords and function names are case-insensitive. ``a <= b <= c`` chains.

Names, three forms:

- ``[any label text]`` (or 【…】): always works; the name is the text inside, trimmed.
- an ASCII identifier ``[A-Za-z_][A-Za-z0-9_]*`` (field keys, element codes); ``a-b`` is subtraction.
- a bare Chinese name: a word of CJK characters, ASCII letters, digits, ``_``, ``、``, ``：``/``:``
  and ``·`` that contains at least one CJK character, so ``60岁以上老人数`` and ``2023年人口`` are
  names. Inside the word, ``.`` between digits belongs to it (``3.5级``), and ``-`` or ``~``
  between digits belongs to it when the digits after it run straight into a CJK character (an age
  range: ``0-6岁儿童数``); any other ``-`` is subtraction (``人口-户数``, ``户籍人口-0-6岁儿童数``).
  A parenthesised group written straight after such a word, without a space, is part of the name:
  ``人口（万人）``, ``比率(%)``. 且/或/非 are keywords only as words of their own (``非农业人口`` is a
  name). When in doubt write spaces around operators or use brackets.

Numbers: ``12``, ``3.5``, ``1e6``, ``5%`` (= 0.05). Functions: sum min max abs round(x, n) if(c, a, b)
isnull(x).

Evaluation: a missing or None operand makes arithmetic, comparisons and abs/round None; so do
division by zero and results that are not finite. sum/min/max skip None (as Excel does with blank
cells) and are None only when every argument is. and/or/not use three-valued logic (False and None
is False). A rule whose result is None is "not checkable", never a failure. ``==`` and the other
comparisons treat numbers within 1e-9 (relative or absolute) as equal, so ``0.1 + 0.2 == 0.3``.
round rounds half up (四舍五入).
"""

from __future__ import annotations

import graphlib
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, partial, reduce

from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text

Value = float | int | bool | None

MAX_DEPTH = 50  # nesting of parentheses, function calls, unary minus and not
TOLERANCE = 1e-9
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "sum": (1, None), "min": (1, None), "max": (1, None), "abs": (1, 1), "round": (1, 2),
    "if": (3, 3), "isnull": (1, 1),
}
_KEYWORDS = {"and": "and", "or": "or", "not": "not", "且": "and", "或": "or", "非": "not"}
_OPS = (">=", "<=", "==", "!=", "<>", "≥", "≤", "≠", ">", "<", "=", "+", "-", "*", "/", "(", ")", ",")
_CANONICAL = {"<>": "!=", "≥": ">=", "≤": "<=", "≠": "!=", "=": "=="}
_COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")

_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_NAME_CHAR = re.compile(f"[{_CJK}A-Za-z0-9_、:·]")
_HAS_CJK = re.compile(f"[{_CJK}]")
_AFTER_DIGIT = re.compile(rf"\.(?=[0-9])|[-~][0-9]+(?:\.[0-9]+)?(?=[{_CJK}])")  # 3.5级, 0-6岁
_GROUP = re.compile(r"\([^()\[\]]+\)")  # 人口（万人）
_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?(%)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FOLD = {0x3000: " ", ord("×"): "*", ord("÷"): "/", ord("【"): "[", ord("】"): "]"}
_FOLD.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


def _fold(text: str) -> str:
    """Full-width to ASCII, one character for one, so positions stay those of the original text."""
    return text.translate(_FOLD)


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Num:
    value: int | float


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class Chain:
    """``first op x op y …`` for one precedence level: all of + - or all of * /, left to right."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Compare:
    operands: tuple[Node, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # and | or
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Call:
    fn: str
    args: tuple[Node, ...]


Node = Num | Name | Neg | Not | Chain | Compare | Logic | Call


@dataclass(frozen=True)
class Formula:
    """A parsed formula; ``text`` is the source it came from (or its canonical text)."""

    node: Node
    text: str = field(default="", compare=False)

    @cached_property
    def names(self) -> frozenset[str]:
        """Every name the formula refers to, as written (brackets removed)."""
        found: set[str] = set()
        _rename(self.node, lambda n: found.add(n) or n)
        return frozenset(found)

    def evaluate(self, values: Mapping[str, Value]) -> Value:
        return _eval(self.node, values)

    def to_text(self) -> str:
        return _text(self.node)

    def rename(self, new_name: Callable[[str], str]) -> Formula:
        node = _rename(self.node, new_name)
        return Formula(node, _text(node))

    def __str__(self) -> str:
        return self.to_text()


class FormulaError(ValidationError):
    """A formula that cannot be parsed; ``position`` is the 1-based character at fault (None: empty)."""

    def __init__(self, message: Text, formula: str, position: int | None):
        self.formula, self.position = formula, position
        super().__init__(message)


def _error(text: str, position: int | None, zh: str, en: str, field_name: str | None = None) -> FormulaError:
    where_zh, where_en = (f"字段 {field_name} 的", f"field {field_name}: ") if field_name else ("", "")
    if position is None:
        return FormulaError(Text(f"{where_zh}{zh}", f"{where_en}{en}"), text, None)
    return FormulaError(Text(f"{where_zh}公式 “{text}” 第 {position} 个字符处{zh}",
                             f"{where_en}formula “{text}”: {en} at character {position}"), text, position)


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # num | name | kw | op | end
    value: object
    start: int  # 0-based
    text: str
    bare: bool = True


def _word_end(f: str, i: int) -> int:
    """End of the bare word starting at i (see the module docstring for what a word holds)."""
    j = i
    while j < len(f):
        after_digit = j > i and "0" <= f[j - 1] <= "9"
        m = (_NAME_CHAR.match(f, j) or after_digit and _AFTER_DIGIT.match(f, j)
             or _HAS_CJK.search(f, i, j) and _GROUP.match(f, j))
        if not m:
            return j
        j = m.end()
    return j


def _unexpected(text: str, i: int, field_name: str | None) -> FormulaError:
    return _error(text, i + 1, f"有无法识别的字符 “{text[i]}”", f"unexpected character “{text[i]}”", field_name)


def _tokens(text: str, field_name: str | None = None) -> list[_Tok]:
    f, i, out = _fold(text), 0, []
    while i < len(f):
        c = f[i]
        if c.isspace():
            i += 1
            continue
        starts_number = _NUMBER.match(f, i) is not None
        if starts_number or _NAME_CHAR.match(c):
            j = _word_end(f, i)
            word = text[i:j]
            if _HAS_CJK.search(f, i, j):
                kw = _KEYWORDS.get(word)
                out.append(_Tok("kw", kw, i, word) if kw else _Tok("name", word, i, word))
            elif starts_number:
                m = _NUMBER.match(f, i)
                digits, exponent, percent = m.groups()
                exact = not exponent and "." not in digits and len(digits) <= 100
                value: float = int(digits) if exact else float(digits + (exponent or ""))
                value = value / 100 if percent else value
                if not math.isfinite(value):
                    raise _error(text, i + 1, "数值超出范围", "number out of range", field_name)
                j = m.end()
                out.append(_Tok("num", value, i, text[i:j]))
            elif m := _IDENT.match(f, i):
                j = m.end()
                word = text[i:j]
                kw = _KEYWORDS.get(word.lower()) if word.isascii() else None
                out.append(_Tok("kw", kw, i, word) if kw else _Tok("name", word, i, word))
            else:
                raise _unexpected(text, i, field_name)
            i = j
        elif c == "[":
            k = f.find("]", i + 1)
            if k < 0:
                raise _error(text, i + 1, f"的 “{text[i]}” 没有闭合", f"“{text[i]}” is not closed", field_name)
            name = text[i + 1:k].strip()
            if not name:
                raise _error(text, i + 1, "方括号内缺少名称", "empty brackets", field_name)
            out.append(_Tok("name", name, i, text[i:k + 1], bare=False))
            i = k + 1
        else:
            op = next((op for op in _OPS if f.startswith(op, i)), None)
            if op is None:
                raise _unexpected(text, i, field_name)
            out.append(_Tok("op", _CANONICAL.get(op, op), i, text[i:i + len(op)]))
            i += len(op)
    out.append(_Tok("end", None, len(text.rstrip()), ""))
    return out


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str, field_name: str | None):
        self.text, self.field_name = text, field_name
        self.toks, self.i, self.depth = _tokens(text, field_name), 0, 0

    def fail(self, tok: _Tok, zh: str, en: str) -> FormulaError:
        return _error(self.text, tok.start + 1, zh, en, self.field_name)

    def accept(self, kind: str, *values: object) -> _Tok | None:
        tok = self.toks[self.i]
        if tok.kind == kind and tok.value in values:
            self.i += 1
            return tok
        return None

    def nested(self, parse: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(self.toks[self.i], "嵌套过深", "nesting is too deep")
        try:
            return parse()
        finally:
            self.depth -= 1

    def formula(self) -> Node:
        if self.toks[0].kind == "end":
            raise _error(self.text, None, "公式为空", "the formula is empty", self.field_name)
        node = self.expr()
        tok = self.toks[self.i]
        if tok.kind != "end":
            if tok.kind in ("num", "name", "kw") or tok.value == "(":
                raise self.fail(tok, f"缺少运算符（“{tok.text}” 之前）", f"expected an operator before “{tok.text}”")
            raise self.fail(tok, f"有多余的 “{tok.text}”", f"unexpected “{tok.text}”")
        return node

    def expr(self) -> Node:
        return self.logic("or", lambda: self.logic("and", self.negation))

    def logic(self, op: str, sub: Callable[[], Node]) -> Node:
        items = [sub()]
        while self.accept("kw", op):
            items.append(sub())
        return items[0] if len(items) == 1 else Logic(op, tuple(items))

    def negation(self) -> Node:
        if self.accept("kw", "not"):
            return Not(self.nested(self.negation))
        operands, ops = [self.additive()], []
        while tok := self.accept("op", *_COMPARISONS):
            ops.append(tok.value)
            operands.append(self.additive())
        return Compare(tuple(operands), tuple(ops)) if ops else operands[0]

    def additive(self) -> Node:
        return self.chain(("+", "-"), lambda: self.chain(("*", "/"), self.unary))

    def chain(self, ops: tuple[str, str], sub: Callable[[], Node]) -> Node:
        first, rest = sub(), []
        while tok := self.accept("op", *ops):
            rest.append((tok.value, sub()))
        return Chain(first, tuple(rest)) if rest else first

    def unary(self) -> Node:
        if self.accept("op", "-"):
            return Neg(self.nested(self.unary))
        if self.accept("op", "+"):
            return self.nested(self.unary)
        return self.primary()

    def primary(self) -> Node:
        tok = self.toks[self.i]
        if tok.kind == "num":
            self.i += 1
            return Num(tok.value)
        if tok.kind == "name":
            self.i += 1
            if tok.bare and self.toks[self.i].value == "(" and self.toks[self.i].kind == "op":
                if tok.value.lower() in FUNCTIONS:
                    return self.call(tok)
                if tok.value.isascii():
                    raise self.fail(tok, f"有未知函数 “{tok.text}”（可用：{'、'.join(FUNCTIONS)}）",
                                    f"unknown function “{tok.text}” (known: {', '.join(FUNCTIONS)})")
            return Name(tok.value)
        if self.accept("op", "("):
            node = self.nested(self.expr)
            self.close()
            return node
        if tok.kind == "end":
            raise self.fail(tok, "缺少数值", "expected a value")
        raise self.fail(tok, f"缺少数值（不应是 “{tok.text}”）", f"expected a value, found “{tok.text}”")

    def close(self) -> None:
        if not self.accept("op", ")"):
            raise self.fail(self.toks[self.i], "缺少右括号 “)”", "expected “)”")

    def call(self, name: _Tok) -> Node:
        fn, args = name.value.lower(), []
        self.i += 1  # the "("
        if not self.accept("op", ")"):
            args.append(self.nested(self.expr))
            while self.accept("op", ","):
                args.append(self.nested(self.expr))
            self.close()
        low, high = FUNCTIONS[fn]
        if len(args) < low or high is not None and len(args) > high:
            want = f"{low}" if low == high else f"{low} 至 {high}" if high else f"至少 {low}"
            want_en = f"{low}" if low == high else f"{low} to {high}" if high else f"at least {low}"
            raise self.fail(name, f"函数 {fn} 需要 {want} 个参数，实有 {len(args)} 个",
                            f"{fn} takes {want_en} arguments, got {len(args)}")
        return Call(fn, tuple(args))


def parse(text: str, *, field_name: str | None = None) -> Formula:
    """Parse formula text; a fault raises FormulaError (a ValidationError) naming the character."""
    return Formula(_Parser(text, field_name).formula(), text)


# ---------------------------------------------------------------- printing

_OR, _AND, _NOT, _CMP, _ADD, _MUL, _NEG, _ATOM = range(1, 9)


def _level(node: Node) -> int:
    if isinstance(node, Logic):
        return _OR if node.op == "or" else _AND
    if isinstance(node, Chain):
        return _ADD if node.rest[0][0] in "+-" else _MUL
    if isinstance(node, Num):
        return _NEG if _negative(node.value) else _ATOM
    return {Not: _NOT, Compare: _CMP, Neg: _NEG}.get(type(node), _ATOM)


def _negative(v: float) -> bool:
    return v < 0 or isinstance(v, float) and math.copysign(1, v) < 0


def _is_bare(name: str) -> bool:
    try:
        toks = _tokens(name)
    except ValidationError:
        return False
    return len(toks) == 2 and toks[0].kind == "name" and toks[0].bare and toks[0].value == name


def _wrap(node: Node, least: int) -> str:
    return f"({_text(node)})" if _level(node) < least else _text(node)


def _text(node: Node) -> str:
    match node:
        case Num(value=v):
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"no text for the number {v}")
            v = int(v) if isinstance(v, bool) else v
            return ("-" if _negative(v) else "") + repr(abs(v))
        case Name(name=name):
            if _is_bare(name):
                return name
            if not name.strip() or name != name.strip() or "]" in _fold(name):
                raise ValueError(f"no text for the name {name!r}")
            return f"[{name}]"
        case Neg(operand=x):
            return "-" + _wrap(x, _NEG)
        case Not(operand=x):
            return "not " + _wrap(x, _NOT)
        case Chain(first=first, rest=rest):
            level = _level(node)
            return _wrap(first, level) + "".join(f" {op} {_wrap(x, level + 1)}" for op, x in rest)
        case Compare(operands=xs, ops=ops):
            return _wrap(xs[0], _ADD) + "".join(f" {op} {_wrap(x, _ADD)}" for op, x in zip(ops, xs[1:]))
        case Logic(op=op, operands=xs):
            level = _level(node)
            return _wrap(xs[0], level) + "".join(f" {op} {_wrap(x, level + 1)}" for x in xs[1:])
        case Call(fn=fn, args=args):
            return f"{fn}({', '.join(map(_text, args))})"
    raise TypeError(f"not a formula node: {node!r}")


def _rename(node: Node, new: Callable[[str], str]) -> Node:
    def each(part: object) -> object:
        if isinstance(part, tuple):
            return tuple(map(each, part))
        return _rename(part, new) if isinstance(part, Node) else part  # op and function names stay

    if isinstance(node, Name):
        return Name(new(node.name))
    return type(node)(*(each(getattr(node, f)) for f in node.__match_args__))


# ---------------------------------------------------------------- evaluation


def _finite(v: Value) -> Value:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _lookup(values: Mapping[str, Value], name: str) -> Value:
    v = values.get(name)
    if v is None or isinstance(v, (bool, int, float)):
        return _finite(v)
    if isinstance(v, numbers.Number):
        return _finite(float(v))  # Decimal, Fraction
    raise TypeError(f"value of {name!r} is not a number: {v!r}")


def _arith(op: str, a: Value, b: Value) -> Value:
    if a is None or b is None:
        return None
    try:
        if op == "/":
            return None if b == 0 else _finite(a / b)
        return _finite(a + b if op == "+" else a - b if op == "-" else a * b)
    except OverflowError:
        return None


def _compare(op: str, a: Value, b: Value) -> bool | None:
    if a is None or b is None:
        return None
    try:
        eq = a == b or math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    except OverflowError:
        eq = False
    return {"==": eq, "!=": not eq, "<": a < b and not eq, "<=": a < b or eq,
            ">": a > b and not eq, ">=": a > b or eq}[op]


def _truth(v: Value) -> bool | None:
    return None if v is None else bool(v)


def _round(x: Value, n: Value) -> Value:
    if x is None or n is None or isinstance(n, float) and not n.is_integer():
        return None
    try:
        q = Decimal(int(x) if isinstance(x, int) else repr(x)).quantize(Decimal(1).scaleb(-int(n)), ROUND_HALF_UP)
        return int(q) if isinstance(x, int) else _finite(float(q))
    except (ArithmeticError, ValueError):
        return x  # more digits asked than the number holds


def _eval(node: Node, values: Mapping[str, Value]) -> Value:
    match node:
        case Num(value=v):
            return v
        case Name(name=name):
            return _lookup(values, name)
        case Neg(operand=x):
            v = _eval(x, values)
            return None if v is None else -v
        case Not(operand=x):
            t = _truth(_eval(x, values))
            return None if t is None else not t
        case Chain(first=first, rest=rest):
            acc = _eval(first, values)
            for op, x in rest:
                acc = _arith(op, acc, _eval(x, values))
            return acc
        case Compare(operands=xs, ops=ops):
            vs = [_eval(x, values) for x in xs]
            results = [_compare(op, a, b) for op, a, b in zip(ops, vs, vs[1:])]
            return False if False in results else None if None in results else True
        case Logic(op=op, operands=xs):
            decisive = op == "or"  # True decides "or", False decides "and"
            truths = [_truth(_eval(x, values)) for x in xs]
            return decisive if decisive in truths else None if None in truths else not decisive
        case Call(fn="if", args=(cond, then, other)):
            t = _truth(_eval(cond, values))
            return None if t is None else _eval(then if t else other, values)
        case Call(fn=fn, args=args):
            vs = [_eval(x, values) for x in args]
            if fn == "isnull":
                return vs[0] is None
            if fn == "abs":
                return None if vs[0] is None else abs(vs[0])
            if fn == "round":
                return _round(vs[0], vs[1] if len(vs) > 1 else 0)
            present = [v for v in vs if v is not None]
            if not present:
                return None
            if fn == "sum":
                return reduce(partial(_arith, "+"), present)
            return min(present) if fn == "min" else max(present)
    raise TypeError(f"not a formula node: {node!r}")


# ---------------------------------------------------------------- names and computed fields


def _loose(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def resolve(formula: Formula | str, name_to_key: Mapping[str, str]) -> Formula:
    """Rewrite every name to its field key: exactly, as a key itself, or ignoring width and spaces.

    All unknown or ambiguous names are reported at once, each naming the formula.
    """
    formula = parse(formula) if isinstance(formula, str) else formula
    keys = set(name_to_key.values())
    loose: dict[str, set[str]] = {}
    for name, key in name_to_key.items():
        loose.setdefault(_loose(name), set()).add(key)
    problems: dict[str, Text] = {}
    shown = formula.text or formula.to_text()

    def key_of(name: str) -> str:
        if name in name_to_key:
            return name_to_key[name]
        if name in keys:
            return name
        found = sorted(loose.get(_loose(name), ()))
        if len(found) == 1:
            return found[0]
        if found:
            problems[name] = Text(f"公式 “{shown}” 中的名称 “{name}” 可指多个字段：{'、'.join(found)}",
                                  f"formula “{shown}”: the name “{name}” is ambiguous: {', '.join(found)}")
        else:
            problems[name] = Text(f"公式 “{shown}” 引用了未知的名称 “{name}”",
                                  f"formula “{shown}” refers to the unknown name “{name}”")
        return name

    resolved = formula.rename(key_of)
    if problems:
        raise ValidationError(list(problems.values()))
    return resolved


def check_computed(fields: Mapping[str, str | Formula]) -> list[str]:
    """An evaluation order of computed fields ``{key: formula}`` whose formulas may use each other.

    Raises ValidationError for every formula that does not parse, naming its field, or for a cycle,
    naming its fields in order (``a → b → a``).
    """
    parsed: dict[str, Formula] = {}
    problems: list[object] = []
    for key, formula in fields.items():
        try:
            parsed[key] = parse(formula, field_name=key) if isinstance(formula, str) else formula
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(problems)
    position = {key: n for n, key in enumerate(fields)}
    uses = {key: sorted(f.names & position.keys(), key=position.__getitem__) for key, f in parsed.items()}
    try:
        return list(graphlib.TopologicalSorter(uses).static_order())
    except graphlib.CycleError as exc:
        loop = exc.args[1][:0:-1]  # graphlib lists it against the arrows; read as "uses"
        start = loop.index(min(loop, key=position.__getitem__))
        cycle = " → ".join(loop[start:] + loop[:start] + [loop[start]])
        raise ValidationError(Text(f"计算字段循环引用：{cycle}",
                                   f"computed fields refer to each other in a cycle: {cycle}")) from None


def evaluate_all(computed: Mapping[str, Formula | str], order: list[str],
                 values: Mapping[str, Value]) -> dict[str, Value]:
    """The values with every computed field added, evaluated in ``order`` (from check_computed).

    A computed field's result replaces any value given for it: statistics are computed, not reported.
    """
    result = dict(values)
    for key in order:
        formula = computed[key]
        result[key] = (parse(formula, field_name=key) if isinstance(formula, str) else formula).evaluate(result)
    return result
