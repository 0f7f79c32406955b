"""The specs' validation formulas (审核公式) over a unit's values for a period: errors block a
submission, warnings need a written explanation (上报说明)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from fillonce.specs import formulas
from fillonce.specs.models import Spec, SpecRule


@dataclass(frozen=True)
class Finding:
    spec: Spec
    rule: SpecRule
    values: dict[str, float | None]  # the values the rule read, by field label

    @property
    def key(self) -> str:
        """Stable name of the rule for explanations: 表号 version and position."""
        return f"{self.spec.form_number}#{self.rule.position}"

    @property
    def blocking(self) -> bool:
        return self.rule.severity == "error"

    def message(self, language: str) -> str:
        text = self.rule.message_en if language == "en" and self.rule.message_en else self.rule.message_zh
        return text or self.rule.expression


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(Decimal(text))
    except ArithmeticError:
        return None


def field_values(spec: Spec, values: Mapping[tuple[int, str], str]) -> dict[str, float | None]:
    """The spec's fields by key: an element's total, or the sum of its options when it is divided."""
    found: dict[str, float | None] = {}
    for f in spec.fields:
        if f.kind != "element" or f.element_id is None:
            continue
        if f.category is None:
            found[f.key] = _number(values.get((f.element_id, "")))
        else:
            parts = [_number(v) for (element, option), v in values.items() if element == f.element_id and option]
            found[f.key] = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
    computed = {f.key: f.formula for f in spec.fields if f.kind == "computed" and f.formula}
    if computed:
        found = formulas.evaluate_all(computed, formulas.check_computed(computed), found)
    return found


def failures(specs: list[Spec], values: Mapping[tuple[int, str], str]) -> list[Finding]:
    """Every rule that evaluates to false; a rule that cannot be checked (a value missing) is no failure."""
    found = []
    for spec in specs:
        by_key = field_values(spec, values)
        labels = {f.key: f.label_zh for f in spec.fields}
        for rule in spec.rules:
            formula = formulas.parse(rule.expression)
            if formula.evaluate(by_key) is False:
                found.append(Finding(spec, rule, {labels.get(n, n): by_key.get(n) for n in sorted(formula.names)}))
    return found
