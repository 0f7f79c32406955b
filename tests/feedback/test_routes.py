"""Feedback in the browser and the API. A hidden sender never reaches the department: not on its pages, in its
exports, through the API, nor in the ledger's rows."""

import io
from datetime import timedelta

import openpyxl
from sqlalchemy import select

from fillonce.core.db import replaying
from fillonce.feedback import service as feedback
from fillonce.ledger.models import LedgerEntry

BODY = "“低保户数”口径不清，是否含分散供养特困户？"


def raise_hidden(client, sign_in, spec, **extra):
    token = sign_in("alice")
    data = {"csrf_token": token, "subject": "field", "kind": "unclear", "spec_id": str(spec.id),
            "field_key": "DB_H", "body": BODY, "hide": "1", **extra}
    response = client.post("/feedback", data=data)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_reporter_raises_hidden_feedback_through_the_page(world, client, sign_in):
    story, spec, _ = world
    sign_in("alice")
    page = client.get("/feedback")
    assert "对相关部门隐藏我的身份" in page.text and spec.form_number in page.text
    feedback_id = raise_hidden(client, sign_in, spec)
    detail = client.get(f"/feedback/{feedback_id}")
    assert BODY in detail.text and "已对部门隐藏身份" in detail.text and "Alice" in detail.text


def test_posts_need_the_csrf_token(world, client, sign_in):
    story, spec, _ = world
    sign_in("alice")
    response = client.post("/feedback", data={"subject": "spec", "kind": "frequent", "body": "太频繁",
                                              "spec_id": str(spec.id)})
    assert response.status_code == 403
    assert feedback.listing(story.db, story.heidi) == []


def test_bad_input_on_the_page_gets_its_message(world, client, sign_in):
    story, spec, draft = world
    token = sign_in("alice")
    base = {"csrf_token": token, "subject": "spec", "kind": "frequent", "spec_id": str(spec.id)}
    empty = client.post("/feedback", data={**base, "body": "  "})
    assert empty.status_code == 422 and "反馈内容不能为空" in empty.text
    huge = client.post("/feedback", data={**base, "body": "长" * 2001})
    assert huge.status_code == 422 and "最多 2000 字" in huge.text
    unseen = client.post("/feedback", data={**base, "spec_id": str(draft.id), "body": "草稿也要改"})
    assert unseen.status_code == 404
    outside = client.post("/feedback", data={**base, "body": "别村的事", "unit_code": "V3"})
    assert outside.status_code == 403 and "不在您的范围内" in outside.text


def test_the_department_never_learns_a_hidden_sender(world, client, sign_in):
    story, spec, _ = world
    feedback_id = raise_hidden(client, sign_in, spec)
    sign_in("erin")
    for url in ("/feedback", f"/feedback/{feedback_id}", "/api/v1/feedback", f"/api/v1/feedback/{feedback_id}"):
        response = client.get(url)
        assert response.status_code == 200 and BODY in response.text, url
        assert "Alice" not in response.text and "alice" not in response.text and "杨柳社区" not in response.text, url
    assert client.get(f"/api/v1/feedback/{feedback_id}").json()["sender"] == "（已隐藏身份）"
    refused = client.get(f"/api/v1/feedback/{feedback_id}/sender")
    assert refused.status_code == 403 and "部门不能查看反馈人" in refused.json()["error"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/feedback/export.xlsx").content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert BODY in cells and not any("Alice" in c or "杨柳社区" in c for c in cells)
    # the ledger rows of this feedback never name the sender, the unit or the account
    rows = story.db.scalars(select(LedgerEntry).where(LedgerEntry.object_type == "feedback")).all()
    assert rows and all("alice" not in r.text and '"V1"' not in r.text and '"role":"reporter"' not in r.text
                        for r in rows)
    # the office still knows who it was
    sign_in("heidi")
    assert client.get(f"/api/v1/feedback/{feedback_id}/sender").json()["username"] == "alice"
    assert "Alice" in client.get(f"/feedback/{feedback_id}").text


def test_the_whole_exchange_through_the_pages(world, client, sign_in):
    story, spec, _ = world
    feedback_id = raise_hidden(client, sign_in, spec, hide="")
    token = sign_in("grace")
    refused = client.post(f"/feedback/{feedback_id}/answer", data={"csrf_token": token, "text": "我们答"})
    assert refused.status_code == 403 and "只能由民政局答复" in refused.text
    token = sign_in("erin")
    assert client.post(f"/feedback/{feedback_id}/answer", data={"csrf_token": token, "text": "含。"}).status_code == 303
    twice = client.post(f"/feedback/{feedback_id}/answer", data={"csrf_token": token, "text": "再答"})
    assert twice.status_code == 409 and "不能再次答复" in twice.text
    token = sign_in("alice")
    page = client.get(f"/feedback/{feedback_id}")
    assert "含。" in page.text and "再次提出" in page.text
    assert client.post(f"/feedback/{feedback_id}/reopen", data={"csrf_token": token, "reason": "没说清"}).status_code == 303
    token = sign_in("erin")
    client.post(f"/feedback/{feedback_id}/answer", data={"csrf_token": token, "text": "含分散供养特困户。"})
    token = sign_in("alice")
    again = client.post(f"/feedback/{feedback_id}/reopen", data={"csrf_token": token, "reason": "还是不清"})
    assert again.status_code == 409 and "已经再次提出过一次" in again.text
    assert client.post(f"/feedback/{feedback_id}/close", data={"csrf_token": token}).status_code == 303
    assert feedback.get(story.db, story.heidi, feedback_id).status == "closed"


def test_the_office_sees_overdue_answers_and_the_analytics(world, client, sign_in, fixed_now):
    story, spec, _ = world
    with replaying(fixed_now - timedelta(days=12)):
        late = feedback.raise_feedback(story.db, story.alice, "deadline", "deadline", "10 天太短。", spec_id=spec.id)
    answered = feedback.raise_feedback(story.db, story.alice, "spec", "duplicate", "和卫健的重复。", spec_id=spec.id)
    with replaying(fixed_now + timedelta(days=2)):
        feedback.answer(story.db, story.erin, answered.id, "已合并。")
    sign_in("heidi")
    overdue = client.get("/feedback?overdue=true")
    assert f'href="/feedback/{late.id}"' in overdue.text and f'href="/feedback/{answered.id}"' not in overdue.text
    page = client.get("/feedback/analytics")
    assert "民政局" in page.text and spec.form_number in page.text
    assert ">2.0<" in page.text  # median days to answer: the one answer took two days
    sign_in("erin")
    assert client.get("/feedback/analytics").status_code == 403
