"""The demo's feedback (投诉建议): one in every state, told as the grassroots and the departments would live it.

Laid down in the last three weeks before the demo's "now", each step at its own moment: open, overdue (the
emergency bureau never answered a street), answered, reopened, closed, one hidden from its department, and one
that civil affairs resolved by publishing a new version of its monthly form without the field complained of."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.core.db import replaying, utcnow
from fillonce.demo.city import DemoCity
from fillonce.feedback import service as feedback
from fillonce.specs import service as specs


def _actor(db: Session, username: str):
    return accounts.actor_of(accounts.get_account(db, username))


def _spec_id(db: Session, form_number: str) -> int:
    return specs.versions(db, form_number)[0].id


def _at(now: datetime, days_ago: float):
    return replaying(now - timedelta(days=days_ago))


def _drop_field(db: Session, form_number: str, key: str, office) -> int:
    """Civil affairs publishes the next version of its form without `key`; the office approves it at the gate."""
    author = _actor(db, "mzj_author")
    version = specs.new_version(db, author, _spec_id(db, form_number))
    draft = specs.as_draft(version)
    specs.update_draft(db, author, version.id, replace(draft, fields=[f for f in draft.fields if f.key != key]))
    specs.submit(db, author, version.id)
    specs.decide(db, office, version.id, approve=True, note="采纳基层反馈，取消重复字段。")
    return specs.publish(db, author, version.id).id


def add_feedback(db: Session, city: DemoCity) -> int:
    """Returns how many pieces of feedback the demo holds."""
    now = utcnow()
    villages = [u for u in city.org_units if u.level == 4]
    street = next(u for u in city.org_units if u.code == villages[0].parent_code)
    reporter = [_actor(db, f"r{v.code}") for v in villages[:6]]
    official = _actor(db, f"o{street.code}")
    office, mzj, wjw = _actor(db, "office"), _actor(db, "mzj_author"), _actor(db, "wjw_author")

    with _at(now, 20):  # resolved by a new version: the monthly form drops a figure the register already has
        resolved = feedback.raise_feedback(
            db, reporter[0], "field", "given_elsewhere", "“临时救助人次”每月都要填，可这些数据在临时救助台账里都有，"
            "能不能直接从台账统计，不再让村里填？", spec_id=_spec_id(db, "民统月01表"), field_key="TEMP_AID")
    with _at(now, 19):  # overdue: the emergency bureau never answers; the office sees it on its list
        feedback.raise_feedback(
            db, official, "deadline", "deadline", "月报要求次月 5 日前报送，但各村安全检查台账要到月底才汇总，"
            "5 天加 2 天宽限仍然来不及，建议延长到 10 天。", spec_id=_spec_id(db, "应急月01表"))
    with _at(now, 16):
        closed = feedback.raise_feedback(
            db, official, "system", "system", "下午上传填好的表格时多次提示超时，只能分几次上传。", unit_code=villages[1].code)
    with _at(now, 15):
        reopened = feedback.raise_feedback(
            db, reporter[1], "field", "unclear", "“0～6岁儿童健康管理人数”是否包括在外地上幼儿园、户口在本村的孩子？",
            spec_id=_spec_id(db, "卫健月01表"), field_key="CHILD06_M")
    with _at(now, 12):
        new_version = _drop_field(db, "民统月01表", "TEMP_AID", office)
        feedback.answer(db, mzj, resolved.id, "采纳。自第 2 版起，临时救助人次由临时救助台账直接统计，月报不再填报。",
                        new_spec_id=new_version, retired_field="TEMP_AID")
    with _at(now, 11):
        feedback.answer(db, office, closed.id, "已请技术人员排查并调整了上传服务，请再试；如仍超时请再反馈。")
        hidden = feedback.raise_feedback(
            db, reporter[2], "spec", "frequent", "低保月报每月都要重新核一遍户数和人数，而这些数一年也变不了几次，"
            "能否改为季报？", spec_id=_spec_id(db, "民统月01表"), hide=True)
    with _at(now, 10):
        feedback.close(db, reporter[0], resolved.id)
        feedback.close(db, official, closed.id)
        feedback.answer(db, wjw, reopened.id, "包括。只要户籍在本村，无论在何处入园，都计入。")
    with _at(now, 8):
        feedback.answer(db, mzj, hidden.id, "低保对象实行动态管理，月报用于资金测算；户数、人数已改为带数下发，只需核对。")
    with _at(now, 6):
        feedback.reopen(db, reporter[1], reopened.id, "那户籍不在本村、但常住本村的孩子呢？说明里没有写。")
    with _at(now, 4):
        answered = feedback.raise_feedback(
            db, reporter[3], "field", "duplicate", "“60周岁及以上老年人口”民政季报要填，统计年报又要填一遍。",
            spec_id=_spec_id(db, "民统季02表"), field_key="OLD60")
    with _at(now, 2):
        feedback.answer(db, mzj, answered.id, "两表用的是同一数据元，一表通中只问一次，另一张表直接复用，不必填两遍。")
    with _at(now, 1):
        feedback.raise_feedback(db, reporter[4], "policy", "suggestion", "建议把村里的各类台账统一到一个系统里，"
                                "省得每个部门来要一遍。")
        feedback.raise_feedback(db, reporter[5], "spec", "unclear", "“孕产妇系统管理人数”按什么时间点统计？",
                                spec_id=_spec_id(db, "卫健月01表"), hide=True)
    return len(feedback.listing(db, office))
