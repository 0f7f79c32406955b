"""The figures the burden-reduction office tunes: how long a department has to answer feedback, and the
minutes a field of each type costs a grassroots worker. Every change is ledgered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.burden.models import OfficeSetting
from fillonce.core.db import utcnow
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.ledger import log


@dataclass(frozen=True)
class Knob:
    default: float
    low: float
    high: float
    zh: str
    en: str
    whole: bool = False  # a count (days, yes/no), not a measure


KNOBS: dict[str, Knob] = {
    "feedback.answer_days": Knob(5, 1, 60, "答复时限（天）", "Days a department has to answer", whole=True),
    "feedback.working_days": Knob(1, 0, 1, "按工作日计算（1 是，0 否）", "Count working days only (1 yes, 0 no)",
                                  whole=True),
    # Minutes a worker spends on one field: looking the figure up, checking it, typing it in.
    "minutes.integer": Knob(2, 0, 120, "整数字段（分钟）", "Whole-number field (minutes)"),
    "minutes.number": Knob(2, 0, 120, "数值字段（分钟）", "Decimal field (minutes)"),
    "minutes.percent": Knob(3, 0, 120, "百分比字段（分钟）", "Percentage field (minutes)"),
    "minutes.text": Knob(3, 0, 120, "文字字段（分钟）", "Text field (minutes)"),
    "minutes.boolean": Knob(0.5, 0, 120, "是/否字段（分钟）", "Yes/no field (minutes)"),
    "minutes.date": Knob(1, 0, 120, "日期字段（分钟）", "Date field (minutes)"),
    "minutes.option_set": Knob(1, 0, 120, "选项字段（分钟）", "Choice field (minutes)"),
    "minutes.computed": Knob(3, 0, 120, "手工计算的字段（分钟）", "Field worked out by hand (minutes)"),
    "minutes.confirm": Knob(0.5, 0, 120, "核对预填字段（分钟）", "Confirming a prefilled field (minutes)"),
}


def current(db: Session) -> dict[str, float]:
    """Every knob's value: the office's, or the default."""
    stored = {s.key: s.value for s in db.scalars(select(OfficeSetting))}
    return {key: stored.get(key, knob.default) for key, knob in KNOBS.items()}


@write_service
def change(db: Session, actor: Actor, values: dict[str, object]) -> dict[str, float]:
    """Set some knobs at once; all or nothing."""
    authorize(actor, "burden.tune")
    problems, parsed = [], {}
    for key, raw in values.items():
        knob = KNOBS.get(key)
        if knob is None:
            problems.append(Text(f"没有名为 {key} 的设置", f"no setting named {key}"))
            continue
        try:
            number = float(str(raw).strip())
        except ValueError:
            number = None
        if number is None or not knob.low <= number <= knob.high or (knob.whole and not number.is_integer()):
            kind_zh, kind_en = ("整数", "a whole number") if knob.whole else ("数", "a number")
            problems.append(Text(f"“{knob.zh}”应为 {knob.low:g} 到 {knob.high:g} 之间的{kind_zh}，而不是“{raw}”",
                                 f"“{knob.en}” must be {kind_en} from {knob.low:g} to {knob.high:g}, not “{raw}”"))
            continue
        parsed[key] = number
    if problems:
        raise ValidationError(problems)
    stored = {s.key: s for s in db.scalars(select(OfficeSetting).where(OfficeSetting.key.in_(parsed)))}
    for key, number in parsed.items():
        setting = stored.get(key)
        if setting is None:
            setting = OfficeSetting(key=key, value=number, updated_at=utcnow())
            db.add(setting)
        elif setting.value == number:
            continue
        setting.value, setting.updated_at = number, utcnow()
        log.record(db, actor, "burden.tune", setting)
    return current(db)
