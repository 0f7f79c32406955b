"""Duplicate detection between two column labels, with explanations.

Two labels are the same data item only when nothing that discriminates differs: measure
(persons vs households vs rate …), unit dimension, age range and canonical content terms. A few
differences are soft (a generic term against a specific one, 本年 against 本月, a generic count
against persons): they lower the confidence instead of blocking. Surface similarity (rapidfuzz)
only fine-tunes the confidence of pairs that passed every blocker. Precision comes first: a false
merge hands one department another department's data.

``confidence`` is how likely the two labels are the same data item; ``same`` is true from
SAME_THRESHOLD on, and pairs between REVIEW_THRESHOLD and it are worth a human look.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from fillonce.audit import glossary as g
from fillonce.audit.labels import (
    ATTRIBUTE_MEASURES,
    COUNT_MEASURES,
    Signature,
    Unit,
    signature,
)
from fillonce.core.iterate import gc_paused

SAME_THRESHOLD = 0.8
REVIEW_THRESHOLD = 0.5

# Soft measure pairs: a generic count (…数) against a typed one. -> penalty
_SOFT_MEASURES: dict[frozenset[str], float] = {
    frozenset({"count", "persons"}): 0.08,
    frozenset({"count", "items"}): 0.05,
    frozenset({"count", "households"}): 0.2,
    frozenset({"count", "person_times"}): 0.2,
}
_UNSPECIFIED_PENALTY = 0.2  # a bare noun (外出务工) may be a count or a register column
_REORDER_PENALTY = 0.05
_NEAR_SPELLING_PENALTY = 0.35
_PERIOD_MISMATCH_PENALTY = 0.1
_PERIOD_ONE_SIDED_PENALTY = 0.02
_PART_OF_PENALTY = 0.03
_PER_UNIT_PENALTY = 0.1
_UNIT_ONE_SIDED_PENALTY = 0.02

_GROUP_OF_TERM = {term: group for group, terms in g.TERM_GROUPS.items() for term in terms}
_GENERIC_OF = {specific: generic for generic, specific in g.BROADER}


@dataclass(frozen=True, slots=True)
class Match:
    """The verdict on two labels: same or not, how sure, why, and how to convert b into a."""

    same: bool
    confidence: float
    reasons: list[str] = field(default_factory=list)
    conversion: float | None = None

    @property
    def needs_review(self) -> bool:
        """Not judged the same, but close enough that a person should look."""
        return not self.same and self.confidence >= REVIEW_THRESHOLD


class _Verdict:
    """Evidence gathered while comparing two signatures."""

    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.penalty = 0.0
        self.blocked = False
        self.conversion: float | None = None

    def soft(self, penalty: float, reason: str) -> None:
        self.penalty += penalty
        self.reasons.append(reason)

    def block(self, reason: str) -> None:
        self.blocked = True
        self.reasons.append(reason)


def compare(
    label_a: str, label_b: str, unit_a: str | None = None, unit_b: str | None = None
) -> Match:
    """Judge whether two column labels (with optional units) are the same data item."""
    return compare_signatures(signature(label_a, unit_a), signature(label_b, unit_b))


def compare_signatures(a: Signature, b: Signature) -> Match:
    """Compare two signatures: hard blockers first, then soft differences and surface similarity."""
    verdict = _Verdict()
    _compare_measures(a, b, verdict)
    _compare_units(a, b, verdict)
    _compare_ages(a, b, verdict)
    _compare_terms(a, b, verdict)
    _compare_periods(a, b, verdict)
    _note_parts_and_ignored(a, b, verdict)
    vague = [sig.label for sig in (a, b) if not sig.specific]
    if vague and not verdict.blocked:
        verdict.block(f"内容不足：「{'」「'.join(vague)}」只有计量词，脱离表单无法判断是否同一数据项")
    surface = fuzz.ratio(a.text, b.text) / 100
    verdict.reasons.append(f"字面相似度：{surface:.2f}")
    confidence = _confidence(verdict, surface)
    same = not verdict.blocked and confidence >= SAME_THRESHOLD
    verdict.reasons.append(_conclusion(same, confidence))
    return Match(same, confidence, verdict.reasons, verdict.conversion if same else None)


def _confidence(verdict: _Verdict, surface: float) -> float:
    if verdict.blocked:
        return round(0.3 * surface, 3)
    return round(min(1.0, max(0.0, 0.88 + 0.12 * surface - verdict.penalty)), 3)


def _conclusion(same: bool, confidence: float) -> str:
    if same:
        return f"结论：同一数据项（置信度 {confidence:.2f}）"
    if confidence >= REVIEW_THRESHOLD:
        return f"结论：可能相同，需人工确认（置信度 {confidence:.2f}）"
    return "结论：不是同一数据项"


def _measure_name(measure: str) -> str:
    return g.MEASURE_NAMES.get(measure, measure)


def _compare_measures(a: Signature, b: Signature, verdict: _Verdict) -> None:
    # Counts and amounts have a 计量 (what is counted); register columns have a 类型 (what is asked).
    word = "类型" if a.measure in ATTRIBUTE_MEASURES or b.measure in ATTRIBUTE_MEASURES else "计量"
    if a.measure == b.measure:
        verdict.reasons.append(f"{word}相同：{_measure_name(a.measure)}")
        return
    names = f"{_measure_name(a.measure)} / {_measure_name(b.measure)}"
    if "unspecified" in (a.measure, b.measure):
        verdict.soft(_UNSPECIFIED_PENALTY, f"{word}仅一方注明：{names}")
        return
    penalty = _SOFT_MEASURES.get(frozenset({a.measure, b.measure}))
    if penalty is not None:
        verdict.soft(penalty, f"计量相近：{names}（“…数”未说明计数对象）")
        return
    verdict.block(f"{word}不同：{names}")


def _compare_units(a: Signature, b: Signature, verdict: _Verdict) -> None:
    if a.unit is None and b.unit is None:
        return
    if a.unit is None or b.unit is None:
        written = (a.unit or b.unit).text  # type: ignore[union-attr]
        verdict.soft(_UNIT_ONE_SIDED_PENALTY, f"单位仅一方注明：{written}")
        return
    if a.unit.dimension == b.unit.dimension:
        _same_dimension(a.unit, b.unit, verdict)
        return
    if a.unit.dimension.split("/")[0] == b.unit.dimension.split("/")[0]:
        verdict.soft(_PER_UNIT_PENALTY, f"单位口径不同：{a.unit.text} / {b.unit.text}（一方为人均或单位均值）")
        return
    verdict.block(f"单位不同且不可换算：{a.unit.text} / {b.unit.text}")


def _same_dimension(unit_a: Unit, unit_b: Unit, verdict: _Verdict) -> None:
    if unit_a.factor == unit_b.factor:
        verdict.reasons.append(f"单位相同：{unit_a.text}")
        return
    verdict.conversion = unit_b.factor / unit_a.factor
    verdict.reasons.append(
        f"单位换算：1 {unit_b.text} = {_number(verdict.conversion)} {unit_a.text}"
        f"（B 的数值乘以 {_number(verdict.conversion)} 得 A）"
    )


def _number(value: float) -> str:
    return f"{value:.6g}"


def _compare_ages(a: Signature, b: Signature, verdict: _Verdict) -> None:
    if a.age is None and b.age is None:
        return
    if a.age == b.age:
        written = a.age_text if a.age_text == b.age_text else f"{a.age_text} = {b.age_text}"
        verdict.reasons.append(f"年龄段相同：{written}")
        return
    if a.age is None or b.age is None:
        only = (a.age or b.age).describe()  # type: ignore[union-attr]
        verdict.block(f"年龄段仅一方限定：{only}")
        return
    verdict.block(f"年龄段不同：{a.age.describe()} / {b.age.describe()}")


def _compare_terms(a: Signature, b: Signature, verdict: _Verdict) -> None:
    common = a.terms & b.terms
    only_a, only_b = set(a.terms - b.terms), set(b.terms - a.terms)
    if common:
        verdict.reasons.append("相同词：" + "、".join(a.surface(t) for t in _in_order(a, common)))
        synonyms = [f"{a.surface(t)} = {b.surface(t)}" for t in _in_order(a, common)
                    if a.surface(t) != b.surface(t)]
        if synonyms:
            verdict.reasons.append("同义：" + "；".join(synonyms))
    _pair_broader(a, b, only_a, only_b, verdict)
    _drop_optional(a, b, only_a, only_b, verdict)
    _pair_unknown_runs(a, b, only_a, only_b, verdict)
    if only_a or only_b:
        verdict.block("不同词：" + _describe_difference(a, b, only_a, only_b))


def _in_order(sig: Signature, terms: Iterable[str]) -> list[str]:
    wanted = set(terms)
    return [t for t in sig.order if t in wanted]


def _pair_broader(a: Signature, b: Signature, only_a: set[str], only_b: set[str],
                  verdict: _Verdict) -> None:
    """A generic term (电话) against a specific one it covers (手机号)."""
    for (generic, specific), penalty in g.BROADER.items():
        for has_generic, has_specific, gen_sig, spec_sig in (
            (only_a, only_b, a, b), (only_b, only_a, b, a)
        ):
            if generic in has_generic and specific in has_specific:
                has_generic.discard(generic)
                has_specific.discard(specific)
                verdict.soft(penalty, f"含义较宽：{gen_sig.surface(generic)} "
                                      f"包含 {spec_sig.surface(specific)}")


def _drop_optional(a: Signature, b: Signature, only_a: set[str], only_b: set[str],
                   verdict: _Verdict) -> None:
    """Modifiers that narrow one side without naming another population (持证).

    Only when the other side has nothing in their place: 户籍地址 against 现住址 is two kinds.
    """
    for side, other, sig, name in ((only_a, only_b, a, "A"), (only_b, only_a, b, "B")):
        if other:
            continue
        for term in sorted(side):
            penalty = _optional_penalty(sig.measure, term)
            if penalty is not None:
                side.discard(term)
                verdict.soft(penalty, f"限定词仅 {name} 有：{sig.surface(term)}（范围可能不同）")


def _optional_penalty(measure: str, term: str) -> float | None:
    return g.OPTIONAL_TERMS.get((measure, term), g.OPTIONAL_TERMS.get((None, term)))


def _pair_unknown_runs(a: Signature, b: Signature, only_a: set[str], only_b: set[str],
                       verdict: _Verdict) -> None:
    """Words outside the glossary: the same characters reordered, or a near spelling for review."""
    for run_a in sorted(only_a & a.unknown):
        for run_b in sorted(only_b & b.unknown):
            if len(run_a) >= 3 and sorted(run_a) == sorted(run_b):
                verdict.soft(_REORDER_PENALTY, f"语序不同：{run_a} ≈ {run_b}")
            elif min(len(run_a), len(run_b)) >= 4 and fuzz.ratio(run_a, run_b) >= 75:
                verdict.soft(_NEAR_SPELLING_PENALTY, f"写法相近：{run_a} ≈ {run_b}（需人工确认）")
            else:
                continue
            only_a.discard(run_a)
            only_b.discard(run_b)
            break


def _describe_difference(a: Signature, b: Signature, only_a: set[str], only_b: set[str]) -> str:
    words_a = "、".join(a.surface(t) for t in _in_order(a, only_a))
    words_b = "、".join(b.surface(t) for t in _in_order(b, only_b))
    sides = [f"{name} 有「{words}」" for name, words in (("A", words_a), ("B", words_b)) if words]
    prefix = "仅" if len(sides) == 1 else ""
    groups = sorted({_GROUP_OF_TERM[t] for t in only_a | only_b if t in _GROUP_OF_TERM})
    note = f"（{'、'.join(groups)}不同）" if groups else ""
    return prefix + "，".join(sides) + note


def _compare_periods(a: Signature, b: Signature, verdict: _Verdict) -> None:
    if a.period == b.period:
        return
    if a.period and b.period:
        verdict.soft(_PERIOD_MISMATCH_PENALTY,
                     f"报告期不同：{a.period} / {b.period}（同一指标按不同周期报送）")
    else:
        verdict.soft(_PERIOD_ONE_SIDED_PENALTY, f"报告期仅一方注明：{a.period or b.period}")


def _note_parts_and_ignored(a: Signature, b: Signature, verdict: _Verdict) -> None:
    if a.part_of != b.part_of:
        side = "A" if a.part_of else "B"
        verdict.soft(_PART_OF_PENALTY, f"{side} 为“其中”分项，已按其完整含义比较")
    ignored = sorted(set(a.ignored) | set(b.ignored))
    if ignored:
        verdict.reasons.append("已忽略（指本单位、报告期或时点）：" + "、".join(ignored))


# --- searching many candidates -------------------------------------------------------------------


class Candidate(NamedTuple):
    """A catalogue element or field to match against: id, label, unit and other names."""

    id: str
    label: str
    unit: str | None = None
    aliases: Sequence[str] = ()


_NEAR_MISS_TERMS = 2  # rarest content terms whose postings are searched for near misses
_NEAR_MISS_CAP = 32  # postings read per such term, so common words stay cheap

_IndexKey = tuple[str, frozenset[str], object]


def _family(measure: str) -> str:
    return "count" if measure in COUNT_MEASURES else measure


_SOFT_TERMS = frozenset(_GENERIC_OF) | {term for _, term in g.OPTIONAL_TERMS}


def _relaxed_terms(sig: Signature) -> frozenset[str]:
    """Terms with every soft difference folded away, so candidates share one key."""
    if sig.terms.isdisjoint(_SOFT_TERMS) and sig.terms.isdisjoint(sig.unknown):
        return sig.terms
    relaxed = set()
    for term in sig.terms:
        if _optional_penalty(sig.measure, term) is not None:
            continue
        term = _GENERIC_OF.get(term, term)
        relaxed.add("~" + "".join(sorted(term)) if term in sig.unknown else term)
    return frozenset(relaxed)


def _index_key(sig: Signature, family: str | None = None) -> _IndexKey:
    return (family or _family(sig.measure), _relaxed_terms(sig), sig.age)


class CandidateIndex:
    """Candidates indexed by relaxed signature key and by content term; build once, query often."""

    def __init__(self, candidates: Iterable[Candidate | tuple]) -> None:
        self.candidates: list[Candidate] = [_as_candidate(c) for c in candidates]
        self._by_key: dict[_IndexKey, list[tuple[int, Signature]]] = {}
        self._by_term: dict[str, list[tuple[int, Signature]]] = {}
        self._families: set[str] = set()
        with gc_paused():
            for position, candidate in enumerate(self.candidates):
                for name in (candidate.label, *(candidate.aliases or ())):
                    self._add(position, signature(name, candidate.unit))

    def _add(self, position: int, sig: Signature) -> None:
        entry = (position, sig)
        key = _index_key(sig)
        self._families.add(key[0])
        self._by_key.setdefault(key, []).append(entry)
        for term in sig.order:  # order keeps 老年 in 65岁以上老年人数, for near misses
            self._by_term.setdefault(term, []).append(entry)

    def same_key(self, sig: Signature) -> list[tuple[int, Signature]]:
        """Candidates sharing the signature's relaxed key: the only ones that can be the same."""
        family = _family(sig.measure)
        families = self._families if family == "unspecified" else (family, "unspecified")
        found: list[tuple[int, Signature]] = []
        for fam in families:
            found.extend(self._by_key.get(_index_key(sig, fam), ()))
        return found

    def near_misses(self, sig: Signature) -> Iterator[tuple[int, Signature]]:
        """Candidates sharing the signature's rarest content terms, for review and explanation."""
        postings = sorted((self._by_term.get(t, ()) for t in sig.order), key=len)
        for posting in postings[:_NEAR_MISS_TERMS]:
            yield from posting[:_NEAR_MISS_CAP]

    def neighbours(self, sig: Signature) -> Iterator[tuple[int, Signature]]:
        """Same-key candidates first, then near misses."""
        yield from self.same_key(sig)
        yield from self.near_misses(sig)

    def best_matches(self, label: str, unit: str | None = None,
                     limit: int = 5) -> list[tuple[Candidate, Match]]:
        """The closest candidates, same ones first, each with its explained Match."""
        query = signature(label, unit)
        best: dict[int, Match] = {}
        self._compare_into(query, self.same_key(query), best)
        if sum(match.same for match in best.values()) < limit:
            self._compare_into(query, self.near_misses(query), best)
        ranked = sorted(best.items(), key=lambda item: _rank(item[1]), reverse=True)
        return [(self.candidates[position], match) for position, match in ranked[:limit]]

    @staticmethod
    def _compare_into(query: Signature, found: Iterable[tuple[int, Signature]],
                      best: dict[int, Match]) -> None:
        """Keep, per candidate, the best match over its label and aliases."""
        for position, candidate_sig in found:
            if position in best and best[position].confidence >= 1.0:
                continue
            match = compare_signatures(query, candidate_sig)
            if position not in best or _rank(match) > _rank(best[position]):
                best[position] = match


def _rank(match: Match) -> tuple[bool, float]:
    return (match.same, match.confidence)


def _as_candidate(candidate: Candidate | tuple) -> Candidate:
    if isinstance(candidate, Candidate):
        return candidate
    return Candidate(*candidate)


# One built index per candidate sequence, so repeated calls with the same catalogue stay fast.
_INDEX_CACHE: dict[int, tuple[Sequence[Candidate], int, CandidateIndex]] = {}
_INDEX_CACHE_SIZE = 4


def _index_for(candidates: Sequence[Candidate] | CandidateIndex) -> CandidateIndex:
    if isinstance(candidates, CandidateIndex):
        return candidates
    cached = _INDEX_CACHE.get(id(candidates))
    if cached and cached[0] is candidates and cached[1] == len(candidates):
        return cached[2]
    index = CandidateIndex(candidates)
    if len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
        _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
    _INDEX_CACHE[id(candidates)] = (candidates, len(candidates), index)
    return index


def best_matches(
    label: str,
    unit: str | None,
    candidates: Sequence[Candidate] | CandidateIndex,
    limit: int = 5,
) -> list[tuple[Candidate, Match]]:
    """The best matching candidates for a label, best first.

    The index built for a candidate sequence is kept, so checking a whole specification against
    the same catalogue builds it once; pass a CandidateIndex for a catalogue that changes in place.
    """
    return _index_for(candidates).best_matches(label, unit, limit)
