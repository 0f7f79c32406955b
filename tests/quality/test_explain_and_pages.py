"""Explaining a finding (recorded in the ledger, refused to those who may not), the pages, the
download, the charts, and CSRF."""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from fillonce.core.config import load_settings
from fillonce.core.errors import NotFound, PermissionDenied, ValidationError
from fillonce.ledger import log
from fillonce.ledger.verify import verify
from fillonce.quality import service as quality


@pytest.fixture
def checked(troubled):
    quality.run_checks(troubled.db, troubled.heidi, "202610")
    found = quality.findings(troubled.db, troubled.heidi, quality.Filters(), limit=None)
    troubled.finding = {f.sub_kind: f for f in found}
    return troubled


def test_an_explanation_is_recorded_in_the_ledger_and_survives_a_rerun(checked):
    s = checked
    late = s.finding["late_submission"]
    quality.explain(s.db, s.carol, late.id, "村委会换届，报表延误两天")
    last = json.loads(log.entry(s.db, log.current_size(s.db) - 1).body)
    assert (last["action"], last["reason"], last["who"]["account"]) == ("quality.explain", "村委会换届，报表延误两天", "carol")
    quality.run_checks(s.db, s.heidi, "202610")
    s.db.refresh(late)
    assert late.status == "explained"
    assert verify(s.db, load_settings()).ok


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "grace", "ivan", "judy"])
def test_who_may_not_explain_is_refused(checked, who):
    with pytest.raises((PermissionDenied, NotFound)):
        quality.explain(checked.db, checked.actors[who], checked.finding["late_submission"].id, "我来说明一下")


def test_the_department_and_the_office_may_explain_and_a_note_is_needed(checked):
    s = checked
    lowered = s.finding["lowered_after_deadline"]
    with pytest.raises(ValidationError):
        quality.explain(s.db, s.erin, lowered.id, " ")
    quality.explain(s.db, s.erin, lowered.id, "经核实，两户已退出低保")
    quality.explain(s.db, s.heidi, s.finding["missing_form"].id, "已电话催报")
    assert quality.explanation_of(s.db, lowered).note == "经核实，两户已退出低保"


def test_pages_filters_and_download(checked, client, sign_in):
    sign_in("heidi")
    page = client.get("/quality?kind=concealment&period=202610")
    assert page.status_code == 200 and "截止日后由 10 调低为 8" in page.text and "逾期" not in page.text
    detail = client.get(f"/quality/findings/{checked.finding['lowered_after_deadline'].id}")
    assert detail.status_code == 200 and "核减两户" in detail.text
    book = load_workbook(io.BytesIO(client.get("/quality/findings.xlsx?period=202610").content))
    rows = list(book.active.values)
    assert rows[0][:3] == ("编号", "类别", "问题") and len(rows) == 1 + len(checked.finding)
    assert client.get("/quality/dashboard").status_code == 200


@pytest.mark.parametrize("url", ["/quality/charts/trend.svg", "/quality/charts/districts.svg?period=202610",
                                 "/quality/charts/kinds.svg?period=202610", "/quality/units/V1/trend.svg"])
def test_charts_are_svg_without_scripts(checked, client, sign_in, url):
    sign_in("heidi")
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not root.findall(".//{http://www.w3.org/2000/svg}script") and b"http://kozea" not in response.content


def test_explaining_through_the_page_needs_the_csrf_token(checked, client, sign_in):
    token = sign_in("carol")
    late = checked.finding["late_submission"]
    refused = client.post(f"/quality/findings/{late.id}/explain", data={"note": "村委会换届"})
    assert refused.status_code == 403 and quality.explanation_of(checked.db, late) is None
    done = client.post(f"/quality/findings/{late.id}/explain", data={"note": "村委会换届", "csrf_token": token})
    assert done.status_code == 303 and quality.explanation_of(checked.db, late).note == "村委会换届"
    assert client.post(f"/quality/findings/{late.id}/explain", data={"note": "", "csrf_token": token}).status_code == 422


def test_a_reporter_sees_her_own_card_only(checked, client, sign_in):
    sign_in("alice")
    assert client.get("/quality").status_code == 403
    card = client.get("/quality/units/V1")
    assert card.status_code == 200 and "/quality/units/V1" in client.get("/").text
    assert client.get("/quality/units/V2").status_code == 403
    assert client.get(f"/quality/findings/{checked.finding['late_submission'].id}").status_code == 404
