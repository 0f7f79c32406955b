"""Feedback as the story's people live it: alice (village V1) complains, erin (civil affairs) answers,
grace (health) may not, heidi (the office) oversees, bob (another village) sees nothing of it."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from fillonce.burden import settings as office_settings
from fillonce.core.db import replaying
from fillonce.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fillonce.feedback import service as feedback
from fillonce.ledger.models import LedgerEntry

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)  # conftest's FIXED_NOW, a Thursday


def raise_on_field(story, spec, **changes):
    args = dict(subject="field", kind="unclear", body="“低保户数”是否包含分散供养的特困户？口径不清。",
                spec_id=spec.id, field_key="DB_H")
    args.update(changes)
    return feedback.raise_feedback(story.db, story.alice, **args)


def test_a_reporter_raises_feedback_that_goes_to_the_spec_s_department(world):
    story, spec, _ = world
    item = raise_on_field(story, spec)
    assert (item.status, item.department.code, item.org_unit.code, item.field_key) == ("open", "MZJ", "V1", "DB_H")
    # five working days from Thursday 26 November: Friday, Monday … Thursday 3 December
    assert item.due_at == NOW + timedelta(days=7)
    assert not feedback.is_overdue(item)
    assert [f.id for f in feedback.listing(story.db, story.erin)] == [item.id]
    assert feedback.listing(story.db, story.grace) == [] and feedback.listing(story.db, story.bob) == []


def test_system_and_policy_feedback_goes_to_the_office(world):
    story, _, _ = world
    item = feedback.raise_feedback(story.db, story.carol, "system", "system", "上传表格时经常超时。", unit_code="V2")
    assert item.department_id is None and item.spec_id is None and item.org_unit.code == "V2"
    with pytest.raises(PermissionDenied, match="只能由减负办答复"):
        feedback.answer(story.db, story.erin, item.id, "已转技术人员处理。")
    assert feedback.answer(story.db, story.heidi, item.id, "已扩容，超时问题已解决。").status == "answered"


@pytest.mark.parametrize("changes,error,message", [
    ({"body": "   "}, ValidationError, "反馈内容不能为空"),
    ({"body": "太" * 2001}, ValidationError, "反馈内容最多 2000 字，现有 2001 字"),
    ({"kind": "angry"}, ValidationError, "反馈类型应为"),
    ({"subject": "weather"}, ValidationError, "反馈涉及的对象应为"),
    ({"field_key": "NOPE"}, ValidationError, "没有字段“NOPE”"),
    ({"spec_id": None}, ValidationError, "请选择反馈涉及的报表"),
    ({"unit_code": "V3"}, PermissionDenied, "V3 不在您的范围内"),
    ({"unit_code": "S1"}, PermissionDenied, "S1 不在您的范围内"),
])
def test_bad_feedback_is_refused_with_a_clear_message_and_nothing_written(world, changes, error, message):
    story, spec, _ = world
    with pytest.raises(error, match=message):
        raise_on_field(story, spec, **changes)
    assert feedback.listing(story.db, story.heidi) == []


def test_feedback_on_a_spec_the_user_cannot_see_is_refused(world):
    story, _, draft = world
    with pytest.raises(NotFound, match=f"没有编号为 {draft.id} 的报表规范"):
        feedback.raise_feedback(story.db, story.alice, "spec", "duplicate", "又是重复的表。", spec_id=draft.id)


def test_only_the_grassroots_raise_feedback(world):
    story, spec, _ = world
    for person in ("erin", "heidi", "ivan"):
        with pytest.raises(PermissionDenied, match="基层填报员"):
            feedback.raise_feedback(story.db, story.actors[person], "spec", "frequent", "太频繁。", spec_id=spec.id)


def test_answering_twice_or_someone_else_s_feedback_is_refused(world):
    story, spec, _ = world
    item = raise_on_field(story, spec)
    with pytest.raises(PermissionDenied, match="这条反馈涉及民政局，只能由民政局答复"):
        feedback.answer(story.db, story.grace, item.id, "我们来答复。")
    with pytest.raises(NotFound):
        feedback.answer(story.db, story.bob, item.id, "我来答复。")
    with pytest.raises(ValidationError, match="答复内容不能为空"):
        feedback.answer(story.db, story.erin, item.id, "")
    feedback.answer(story.db, story.erin, item.id, "包含。已在填报说明中补充。")
    with pytest.raises(Conflict, match="不能再次答复"):
        feedback.answer(story.db, story.erin, item.id, "再说一遍。")
    assert feedback.get(story.db, story.alice, item.id).answer == "包含。已在填报说明中补充。"


def test_the_sender_reopens_once_then_closes(world):
    story, spec, _ = world
    item = raise_on_field(story, spec)
    with pytest.raises(Conflict, match="尚未答复"):
        feedback.reopen(story.db, story.alice, item.id, "还没答复。")
    feedback.answer(story.db, story.erin, item.id, "见填报说明。")
    with pytest.raises(PermissionDenied, match="只有反馈人可以再次提出"):
        feedback.reopen(story.db, story.heidi, item.id, "减负办也不满意。")
    with pytest.raises(NotFound):  # feedback is between its sender, the department and the office
        feedback.reopen(story.db, story.carol, item.id, "我也不满意。")
    with pytest.raises(ValidationError, match="再次提出的理由不能为空"):
        feedback.reopen(story.db, story.alice, item.id, " ")
    reopened = feedback.reopen(story.db, story.alice, item.id, "填报说明里没有找到。")
    assert (reopened.status, reopened.reopen_count) == ("reopened", 1)
    feedback.answer(story.db, story.erin, item.id, "说明第 3 条，已加粗。")
    with pytest.raises(Conflict, match="已经再次提出过一次"):
        feedback.reopen(story.db, story.alice, item.id, "还是不清楚。")
    with pytest.raises(PermissionDenied, match="只有反馈人或减负办"):
        feedback.close(story.db, story.erin, item.id)
    closed = feedback.close(story.db, story.alice, item.id)
    assert closed.status == "closed" and closed.closed_at == NOW
    assert closed.first_answered_at is not None


def test_overdue_is_derived_from_the_clock_and_the_office_s_setting(world):
    story, spec, _ = world
    with replaying(NOW - timedelta(days=10)):
        late = raise_on_field(story, spec)
    timely = raise_on_field(story, spec, body="另一个问题。")
    assert feedback.is_overdue(late) and not feedback.is_overdue(timely)
    assert [f.id for f in feedback.listing(story.db, story.heidi, overdue=True)] == [late.id]
    feedback.answer(story.db, story.erin, late.id, "迟到的答复。")
    assert not feedback.is_overdue(late)
    assert feedback.listing(story.db, story.heidi, overdue=True) == []
    # the office gives departments 30 calendar days: new feedback is due a month later
    office_settings.change(story.db, story.heidi, {"feedback.answer_days": "30", "feedback.working_days": "0"})
    assert raise_on_field(story, spec, body="第三个。").due_at == NOW + timedelta(days=30)


def test_only_the_office_tunes_the_answer_time_and_bad_values_are_refused(world):
    story, _, _ = world
    with pytest.raises(PermissionDenied):
        office_settings.change(story.db, story.erin, {"feedback.answer_days": "60"})
    with pytest.raises(ValidationError, match="工作日计算（1 是，0 否）”应为 0 到 1 之间的整数，而不是“0.5”"):
        office_settings.change(story.db, story.heidi, {"feedback.working_days": "0.5"})
    with pytest.raises(ValidationError, match="应为 1 到 60 之间的整数，而不是“0”") as caught:
        office_settings.change(story.db, story.heidi, {"feedback.answer_days": "0", "minutes.integer": "2"})
    with pytest.raises(ValidationError, match="没有名为 clicks 的设置"):
        office_settings.change(story.db, story.heidi, {"clicks": "1"})
    assert caught.value.problems and office_settings.current(story.db)["feedback.answer_days"] == 5
    office_settings.change(story.db, story.heidi, {"minutes.integer": "1.5"})
    assert office_settings.current(story.db)["minutes.integer"] == 1.5
    entries = story.db.scalars(select(LedgerEntry).where(LedgerEntry.action == "burden.tune")).all()
    assert len(entries) == 1 and '"account":"heidi"' in entries[0].text


def test_an_answer_links_the_new_version_and_the_field_it_dropped(world, new_version_without):
    story, spec, _ = world
    item = raise_on_field(story, spec, subject="field", kind="given_elsewhere", field_key="RATE",
                          body="低保率系统可以自己算，不必再填。")
    version_two = new_version_without(story, spec, "RATE")
    with pytest.raises(ValidationError, match="不是新版本取消的字段"):
        feedback.answer(story.db, story.erin, item.id, "已取消。", new_spec_id=version_two.id, retired_field="DB_H")
    with pytest.raises(ValidationError, match="需同时指明"):
        feedback.answer(story.db, story.erin, item.id, "已取消。", retired_field="RATE")
    with pytest.raises(ValidationError, match="应为报表 民统月01表 的更新版本"):
        feedback.answer(story.db, story.erin, item.id, "已取消。", new_spec_id=spec.id)
    answered = feedback.answer(story.db, story.erin, item.id, "第 2 版已取消低保率。", new_spec_id=version_two.id,
                               retired_field="RATE")
    assert answered.led_to_change and answered.resolved_spec.version == 2 and answered.retired_field == "RATE"


def test_every_step_is_in_the_ledger(world):
    story, spec, _ = world
    item = raise_on_field(story, spec)
    feedback.answer(story.db, story.erin, item.id, "见说明。")
    feedback.close(story.db, story.alice, item.id)
    rows = story.db.scalars(select(LedgerEntry).where(LedgerEntry.object_type == "feedback",
                                                      LedgerEntry.object_id == str(item.id))
                            .order_by(LedgerEntry.idx)).all()
    assert [r.action for r in rows] == ["feedback.raise", "feedback.answer", "feedback.close"]
    assert '"account":"alice"' in rows[0].text and '"account":"erin"' in rows[1].text
    assert "口径不清" not in rows[0].text  # the body is in the ledger only as a salted hash


def test_analytics_counts_specs_fields_time_to_answer_and_changes(world, new_version_without):
    from fillonce.feedback import analytics

    story, spec, _ = world
    with replaying(NOW - timedelta(days=20)):
        on_rate = raise_on_field(story, spec, field_key="RATE", kind="given_elsewhere", body="低保率可以自动算。")
        raise_on_field(story, spec, body="户数口径？")
        never_answered = raise_on_field(story, spec, subject="deadline", kind="deadline", body="10 天太短。")
    with replaying(NOW - timedelta(days=18)):
        feedback.answer(story.db, story.erin, on_rate.id, "第 2 版取消。", new_spec_id=new_version_without(
            story, spec, "RATE").id, retired_field="RATE")
    with replaying(NOW - timedelta(days=10)):
        second = feedback.listing(story.db, story.erin, status="open")[-1]
        feedback.answer(story.db, story.erin, second.id, "见说明。")
    data = analytics.analyse(story.db, story.heidi)
    assert data.total == 3 and data.by_status == {"answered": 2, "open": 1}
    assert data.top_specs == [("民统月01表", "城乡低保情况月报", 3)]
    assert sorted(data.top_fields) == [("民统月01表", "DB_H", "低保户数", 1), ("民统月01表", "RATE", "低保率", 1)]
    assert (data.hours_to_answer_median, data.hours_to_answer_p90) == (48, 240)  # 2 and 10 days
    assert data.led_to_change == 1 and data.change_share == 0.5
    assert data.overdue_by_department == {"民政局": 1} and feedback.is_overdue(never_answered)
    with pytest.raises(PermissionDenied):
        analytics.analyse(story.db, story.erin)


def test_percentiles_by_nearest_rank():
    from fillonce.feedback.analytics import percentile

    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3], 0.5) == 3 and percentile([1, 2, 3, 4], 0.5) == 2
    assert percentile(list(range(1, 11)), 0.9) == 9 and percentile([7], 0.9) == 7


def test_a_hidden_sender_is_known_to_the_office_and_themselves_never_to_the_department(world):
    story, spec, _ = world
    item = raise_on_field(story, spec, hide=True)
    with pytest.raises(PermissionDenied, match="部门不能查看反馈人"):
        feedback.sender_of(story.db, story.erin, item.id)
    with pytest.raises(PermissionDenied) as caught:
        feedback.sender_of(story.db, story.frank, item.id)
    assert "may not see who sent it; ask the burden-reduction office" in caught.value.in_("en")
    assert feedback.sender_of(story.db, story.heidi, item.id).username == "alice"
    assert feedback.sender_of(story.db, story.alice, item.id).username == "alice"
    shown = feedback.describe(story.erin, item)
    assert (shown.sender, shown.unit) == ("（已隐藏身份）", "（已隐藏身份）")
    assert "Alice" not in str(shown.row("zh")) and "杨柳社区" not in str(shown.row("zh"))
    assert feedback.describe(story.heidi, item).sender == "Alice"
    # the sender's own steps are in the ledger under a pseudonym that differs from feedback to feedback
    other = raise_on_field(story, spec, hide=True, body="另一条。")
    raisers = [story.db.scalar(select(LedgerEntry).where(LedgerEntry.object_type == "feedback",
                                                         LedgerEntry.object_id == str(f.id))).text
               for f in (item, other)]
    assert all('"role":"hidden"' in text and "alice" not in text for text in raisers)
    assert raisers[0].split('"account":')[1][:30] != raisers[1].split('"account":')[1][:30]
