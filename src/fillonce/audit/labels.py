"""Label normalisation: turn a column label of a Chinese form into a structured signature.

A signature says what a column asks, in parts that can be compared one by one:
the measure (persons, households, rate, amount, date, id …), the canonical content terms after
synonym folding (脱贫, 劳动力 …), the age range, the unit and its dimension, the reporting period
and whether the column is a part (其中) of another. ``matching.py`` compares signatures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from fillonce.audit import glossary as g

# Measures that count things; the others describe a person or case (registers).
COUNT_MEASURES = frozenset({"persons", "households", "person_times", "items", "count"})
NUMERIC_MEASURES = COUNT_MEASURES | {"rate", "amount", "area", "quantity"}
ATTRIBUTE_MEASURES = frozenset(
    {"date", "age", "id", "phone", "name", "address", "attribute", "flag"}
)

# How strongly a word fixes the measure; the strongest wins, the rightmost on ties
# (Chinese noun phrases put the head last: 人数占比 is a rate).
_FLAG, _EXPLICIT, _UNIT, _HEAD, _GENERIC = 5, 4, 3, 2, 1

_PERSON_RUN_ENDINGS = ("员", "者", "民", "童", "妇")


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of measure: its written form, its dimension and its factor to the base unit."""

    text: str
    dimension: str
    factor: float


@dataclass(frozen=True, slots=True)
class AgeRange:
    """Whole years, both ends inclusive; ``high`` None means open-ended."""

    low: int
    high: int | None

    def describe(self) -> str:
        if self.high is None:
            return f"{self.low}岁及以上"
        if self.low == 0:
            return f"{self.high}岁及以下"
        if self.low == self.high:
            return f"{self.low}岁"
        return f"{self.low}-{self.high}岁"

    def intersect(self, other: AgeRange) -> AgeRange:
        highs = [h for h in (self.high, other.high) if h is not None]
        return AgeRange(max(self.low, other.low), min(highs) if highs else None)


@dataclass(frozen=True, slots=True)
class _Word:
    """What one lexicon word contributes to a signature."""

    terms: tuple[str, ...] = ()
    measure: str | None = None
    strength: int = 0
    role: str = "content"  # content | filler | scope | period | stock
    period: str | None = None


class Signature(NamedTuple):
    """The structured reading of one label; see the module docstring.

    A NamedTuple rather than a frozen dataclass: catalogues build tens of thousands of these.
    """

    label: str
    text: str
    measure: str
    terms: frozenset[str]
    order: tuple[str, ...]
    surfaces: tuple[tuple[str, str], ...]
    unknown: frozenset[str]
    age: AgeRange | None
    age_text: str
    unit: Unit | None
    period: str | None
    part_of: bool
    ignored: tuple[str, ...]
    specific: bool
    measure_word: str

    def surface(self, term: str) -> str:
        """The words as written that produced a canonical term."""
        return next((written for canon, written in self.surfaces if canon == term), term)


def _build_lexicon() -> dict[str, _Word]:
    lexicon: dict[str, _Word] = {}

    def add(word: str, entry: _Word) -> None:
        existing = lexicon.get(word)
        if existing is not None and existing != entry:
            raise ValueError(f"glossary defines {word!r} twice with different meanings")
        lexicon[word] = entry

    for canonical, variants in g.TERMS.items():
        for word in (canonical, *variants):
            add(word, _Word(terms=(canonical,)))
    for canonical, variants in g.PERSON_NOUNS.items():
        for word in (canonical, *variants):
            add(word, _Word(terms=(canonical,), measure="persons", strength=_HEAD))
    for word in g.HOUSEHOLD_NOUNS:
        add(word, _Word(terms=(word,), measure="households", strength=_HEAD))
    for word in g.AMOUNT_NOUNS:
        add(word, _Word(terms=(word,), measure="amount", strength=_HEAD))
    for word, terms in g.EXPANSIONS.items():
        add(word, _Word(terms=terms, measure=_expansion_measure(terms), strength=_HEAD))
    for word in g.PERSON_HEADS:
        add(word, _Word(measure="persons", strength=_HEAD))
    for word in g.HOUSEHOLD_HEADS:
        add(word, _Word(measure="households", strength=_HEAD))
    for word, measure in g.MEASURE_WORDS.items():
        strength = {"count": _GENERIC, "flag": _FLAG}.get(measure, _EXPLICIT)
        add(word, _Word(measure=measure, strength=strength))
    for word, (canonical, measure) in g.ATTRIBUTE_WORDS.items():
        add(word, _Word(terms=(canonical,), measure=measure, strength=_EXPLICIT))
    for word in g.FILLERS:
        add(word, _Word(role="filler"))
    for word in g.SCOPE_WORDS:
        add(normalise(word), _Word(role="scope"))
    for word, period in g.PERIOD_WORDS.items():
        add(word, _Word(role="period", period=period))
    for word in g.STOCK_WORDS:
        add(word, _Word(role="stock"))
    return lexicon


def _expansion_measure(terms: tuple[str, ...]) -> str | None:
    return "persons" if any(t in g.PERSON_NOUNS for t in terms) else None


# --- text normalisation -------------------------------------------------------------------------

# One translation after NFKC: a single kind of bracket and dash, no whitespace.
_TIDY = str.maketrans(
    {**{char: "(" for char in "【〔[〈{"}, **{char: ")" for char in "】〕]〉}"},
     **{char: "-" for char in "—–―‐‑－~～〜"},
     **{char: None for char in " \t\n\r\v\f\u3000\xa0\u200b"}}
)


def normalise(text: object) -> str:
    """NFKC (full-width to half-width), lower case, no spaces, one kind of bracket and dash."""
    return unicodedata.normalize("NFKC", str(text)).lower().translate(_TIDY)


_ENUMERATION = re.compile(
    r"^(?:\(?[一二三四五六七八九十]+[)、.]|\(?\d{1,2}[)、](?!\d)|\d{1,2}\.(?!\d)|[①-⑳])"
)
_ENUMERATION_STARTS = frozenset("(一二三四五六七八九十0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
_PART_MARKER = re.compile(rf"^(?:{'|'.join(g.PART_MARKERS)})[:,]?")
_PUNCTUATION = str.maketrans(dict.fromkeys("()、,.;:!?\"'“”‘’《》<>·•-_*#/\\|=+"))


def _strip_enumeration(text: str) -> str:
    """Drop list numbering such as 1、 (一) 二. ①."""
    return _ENUMERATION.sub("", text) if text[:1] in _ENUMERATION_STARTS else text


# --- ages ----------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_AGE = re.compile(r"([零〇一二两三四五六七八九十百]+)(?=周?岁)")
_YEARS = r"(?:周岁|岁)"
_INCL = r"(?:\(含\))?"
# Tried in this order at each position; the group name says how to read the numbers.
_AGE_FORMS: tuple[tuple[str, str], ...] = (
    ("range", rf"(\d+){_YEARS}?{_INCL}(?:以上)?(?:-|至|到){_INCL}"
              rf"(\d+){_YEARS}{_INCL}(?:及以下|以下)?{_INCL}"),
    ("between", rf"(\d+){_YEARS}{_INCL}(?:及以上|以上){_INCL}(\d+){_YEARS}{_INCL}(?:及以下|以下){_INCL}"),
    ("below", rf"(\d+){_YEARS}(?:以下|以内)\(不含\)"),
    ("from", rf"(?:年满|已满|满)?(\d+){_YEARS}{_INCL}(?:及其以上|及以上|或以上|以上){_INCL}"),
    ("reached", rf"(?:年满|已满)(\d+){_YEARS}"),
    ("above", rf"(?:超过|高于|大于)(\d+){_YEARS}"),
    ("upto", rf"(\d+){_YEARS}{_INCL}(?:及以下|以下|以内){_INCL}"),
    ("under", rf"(?:不满|未满|低于|小于|不足|未达)(\d+){_YEARS}"),
    ("exact", rf"(\d+){_YEARS}"),
)
_AGE = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _AGE_FORMS))


def _chinese_number(text: str) -> int:
    """Small Chinese numerals as used for ages: 六十五, 七十, 十八, 一百."""
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = digit * 10 + _CN_DIGITS[char]
    return total + digit


def _age_from_match(match: re.Match[str]) -> AgeRange:
    kind = match.lastgroup or "exact"
    numbers = [int(n) for n in match.groups()[match.re.groupindex[kind]:] if n and n.isdigit()]
    first = numbers[0]
    if kind in ("range", "between"):
        return AgeRange(first, numbers[1])
    return {
        "from": AgeRange(first, None),
        "reached": AgeRange(first, None),
        "above": AgeRange(first + 1, None),
        "upto": AgeRange(0, first),
        "below": AgeRange(0, max(first - 1, 0)),
        "under": AgeRange(0, max(first - 1, 0)),
        "exact": AgeRange(first, first),
    }[kind]


def extract_age(text: str) -> tuple[AgeRange | None, str, str]:
    """Find age ranges (65周岁以上, 0-6岁, 未满18周岁 …).

    Returns the range, the age words as written, and the rest of the text.
    以上/以下 include the number as in Chinese law; 不满/未满/低于 exclude it.
    """
    if "岁" not in text:
        return None, "", text
    text = _CN_AGE.sub(lambda m: str(_chinese_number(m.group(1))), text)
    ranges: list[AgeRange] = []
    written: list[str] = []

    def take(match: re.Match[str]) -> str:
        ranges.append(_age_from_match(match))
        written.append(match.group(0))
        return ""

    rest = _AGE.sub(take, text)
    if not ranges:
        return None, "", text
    age = ranges[0]
    for other in ranges[1:]:
        age = age.intersect(other)
    return age, "".join(written), rest


# --- units ---------------------------------------------------------------------------------------

_UNIT_PREFIX = re.compile(r"^(?:计量单位|金额单位|单位)[:]?")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_TRAILING_UNIT = re.compile(r"(?:单位[:]?)?([%‰])$|单位:(\S+)$")


def parse_unit(text: str | None) -> Unit | None:
    """A unit from its written form (万元, (亩), 单位：人, 元/人), or None if it is not one."""
    return _parse_normalised_unit(normalise(text)) if text else None


@lru_cache(maxsize=4096)
def _parse_normalised_unit(text: str) -> Unit | None:
    written = text.strip("()")
    if written.startswith(("单位", "计量单位", "金额单位")):
        written = _UNIT_PREFIX.sub("", written)
    known = g.UNITS.get(written)
    if known is not None:
        return Unit(written, known[0], known[1])
    numerator, slash, denominator = written.partition("/")
    if slash and numerator in g.UNITS and denominator in g.UNITS:
        top, bottom = g.UNITS[numerator], g.UNITS[denominator]
        return Unit(written, f"{top[0]}/{bottom[0]}", top[1] / bottom[1])
    return None


def _unit_from_param(unit: str | None) -> Unit | None:
    if unit is None or not str(unit).strip():
        return None
    parsed = parse_unit(str(unit))
    if parsed is not None:
        return parsed
    written = normalise(unit)
    return Unit(written, f"?{written}", 1.0)  # unknown units only equal themselves


def _take_units(text: str) -> tuple[Unit | None, str]:
    """Remove bracketed units and a trailing %/单位：… ; other bracket contents stay as text."""
    unit: Unit | None = None

    def replace(match: re.Match[str]) -> str:
        nonlocal unit
        parsed = _parse_normalised_unit(match.group(1))
        if parsed is None:
            return match.group(1)
        unit = parsed
        return ""

    if "(" in text:
        text = _BRACKETED.sub(replace, text)
    trailing = _TRAILING_UNIT.search(text) if text[-1:] in "%‰" or "单位" in text else None
    if trailing:
        parsed = _parse_normalised_unit(trailing.group(1) or trailing.group(2))
        if parsed is not None:
            unit = parsed
            text = text[: trailing.start()]
    return unit, text


# --- segmentation --------------------------------------------------------------------------------

_LEXICON = _build_lexicon()


def _word_lengths() -> dict[str, tuple[int, ...]]:
    """For each first character, the lengths of glossary words starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for word in _LEXICON:
        lengths.setdefault(word[0], set()).add(len(word))
    return {char: tuple(sorted(found, reverse=True)) for char, found in lengths.items()}


_LENGTHS = _word_lengths()


def segment(text: str) -> list[tuple[str, _Word | None]]:
    """Cut text into the longest glossary words; unknown characters stay together as runs."""
    pieces: list[tuple[str, _Word | None]] = []
    run_start = None
    i, n = 0, len(text)
    lexicon = _LEXICON
    while i < n:
        found = None
        for length in _LENGTHS.get(text[i], ()):
            word = text[i: i + length]
            entry = lexicon.get(word)
            if entry is not None:
                found = (word, entry)
                break
        if found is None:
            run_start = i if run_start is None else run_start
            i += 1
            continue
        if run_start is not None:
            pieces.append((text[run_start:i], None))
            run_start = None
        pieces.append(found)
        i += len(found[0])
    if run_start is not None:
        pieces.append((text[run_start:], None))
    return pieces


@lru_cache(maxsize=50_000)
def _unknown_word(run: str) -> _Word:
    """Unknown words are content; one ending like 调解员 or 留守妇 names people."""
    if run.endswith(_PERSON_RUN_ENDINGS):
        return _Word(terms=(run,), measure="persons", strength=_HEAD)
    return _Word(terms=(run,))


def split_levels(label: str) -> list[str]:
    """Split a two-level header "parent/child" at slashes outside brackets (元/人 stays whole)."""
    if "/" not in label:
        return [label]
    parts, depth, current = [], 0, []
    for char in label:
        depth += char in "(（"
        depth -= char in ")）" and depth > 0
        if char == "/" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part]


# --- signature -----------------------------------------------------------------------------------


class _Builder:
    """Collects what the words of a label say while it is read."""

    __slots__ = ("order", "surfaces", "unknown", "measures", "period", "part_of", "ignored",
                 "total_word", "position")

    def __init__(self) -> None:
        self.order: list[str] = []
        self.surfaces: list[tuple[str, str]] = []
        self.unknown: set[str] = set()
        self.measures: list[tuple[int, int, str, str]] = []  # strength, position, measure, word
        self.period: str | None = None
        self.part_of = False
        self.ignored: list[str] = []
        self.total_word = False
        self.position = 0

    def add(self, written: str, entry: _Word | None) -> None:
        self.position += 1
        if entry is None:
            self.unknown.add(written)
            entry = _unknown_word(written)
        if entry.role == "filler":
            return
        if entry.role in ("scope", "stock", "period"):
            self.ignored.append(written)
            self.period = entry.period or self.period
            return
        for term in entry.terms:
            if term not in self.order:
                self.order.append(term)
                self.surfaces.append((term, written))
        if entry.measure:
            word = "" if entry.terms else written  # a word of its own, such as 人口数 or 率
            self.measures.append((entry.strength, self.position, entry.measure, word))
        self.total_word = self.total_word or written in g.TOTAL_WORDS

    def measure(self, unit: Unit | None) -> tuple[str, str]:
        """The measure and the word that said it ("" when implied by a noun or the unit)."""
        candidates = list(self.measures)
        if unit is not None and not unit.dimension.startswith("?"):
            numerator = unit.dimension.split("/")[0]
            candidates.append((_UNIT, 0, g.DIMENSION_MEASURES.get(numerator, "quantity"), ""))
        if not candidates:
            return "unspecified", ""
        _, _, measure, word = max(candidates)
        return measure, word


def _clean_part(part: str, builder: _Builder) -> tuple[AgeRange | None, str, Unit | None, str]:
    """Age range, age words as written, unit and remaining text of one header level."""
    part = _strip_enumeration(part)
    if part.startswith(g.PART_MARKERS):
        builder.part_of = True
        part = _PART_MARKER.sub("", part)
    age, age_text, part = extract_age(part)
    unit = _parse_normalised_unit(part) if len(part) <= 6 else None  # a part that is a unit: 面积/亩
    if unit is not None:
        return age, age_text, unit, ""
    unit, part = _take_units(part)
    return age, age_text, unit, part.translate(_PUNCTUATION)


@lru_cache(maxsize=200_000)
def signature(label: str, unit: str | None = None) -> Signature:
    """Read a label (and its unit, if given apart) into a Signature."""
    builder = _Builder()
    age: AgeRange | None = None
    age_text, texts = "", []
    found_unit: Unit | None = None
    for raw_part in split_levels(normalise(label)):
        part_age, part_age_text, part_unit, text = _clean_part(raw_part, builder)
        if part_age is not None:
            age = part_age if age is None else age.intersect(part_age)
            age_text += part_age_text
        found_unit = part_unit or found_unit
        texts.append(text)
        for written, entry in segment(text):
            builder.add(written, entry)
    final_unit = _unit_from_param(unit) or found_unit
    terms = frozenset(builder.order)
    if age is not None:
        terms -= g.AGE_CLASS_TERMS  # the range names the population more precisely
    measure, measure_word = builder.measure(final_unit)
    return Signature(  # positional, in field order: catalogues build tens of thousands
        label,
        age_text + "".join(texts),
        measure,
        terms,
        tuple(builder.order),
        tuple(builder.surfaces),
        frozenset(builder.unknown),
        age,
        age_text,
        final_unit,
        builder.period,
        builder.part_of,
        tuple(builder.ignored),
        bool(terms) or age is not None or measure == "name" or builder.total_word,
        measure_word,
    )


# --- bookkeeping columns -------------------------------------------------------------------------

_ADMIN = "|".join(sorted(map(re.escape, g.ADMIN_LEVELS), key=len, reverse=True))
_ADMIN_KEY = re.compile(rf"^(?:所属)?(?:{_ADMIN})+(?:名称|名)?$")
_KEY_LABELS = frozenset(normalise(label) for label in g.KEY_LABELS)


def is_key_label(label: str) -> bool:
    """True for bookkeeping columns: 序号, 村（社区）名称, 单位名称, 填报日期, 备注 …"""
    text = _strip_enumeration(normalise(label)).translate(_PUNCTUATION)
    return text in _KEY_LABELS or bool(_ADMIN_KEY.match(text))


# --- naming --------------------------------------------------------------------------------------

_MEASURE_SUFFIX = {
    "persons": "人数", "households": "户数", "person_times": "人次", "items": "数",
    "count": "数", "rate": "率", "area": "面积", "date": "日期", "age": "年龄",
}
_ADDRESS_NAMES = {"现住": "现住址", "户籍": "户籍地址", "工作": "工作地址", "通讯": "通讯地址",
                  "出生": "出生地", "籍贯": "籍贯"}


def canonical_name(sig: Signature) -> str:
    """A readable canonical name for the data item a signature describes."""
    age = sig.age_text
    if sig.measure == "address":
        kinds = [_ADDRESS_NAMES.get(term, term) for term in sig.order]
        return age + ("".join(kinds) if kinds else "地址")
    words = "".join(sig.order)
    if sig.measure == "flag":
        return "是否" + age + words
    return age + words + _name_suffix(sig, words)


def _name_suffix(sig: Signature, words: str) -> str:
    if sig.measure_word and sig.measure not in ("name", "id", "address"):
        return sig.measure_word
    if sig.measure == "amount":
        return "" if any(term in g.AMOUNT_NOUNS for term in sig.order) else "金额"
    if sig.measure == "name":
        return "姓名" if not sig.order or any(t in g.PERSON_NOUNS for t in sig.order) else "名称"
    if sig.measure == "id":
        return "" if "身份证号" in sig.order else "编号"
    suffix = _MEASURE_SUFFIX.get(sig.measure, "")
    return "" if words.endswith(suffix) else suffix
