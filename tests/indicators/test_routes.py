"""The indicator pages: list, figures by unit with an xlsx download, and the authors' forms (CSRF,
forbidden paths, faults shown with nothing saved)."""

import io

import pytest
from openpyxl import load_workbook

from fillonce.indicators import service as indicators
from fillonce.specs import service as specs
from registers_fixture import count, with_registers
from specs.test_routes import designer_form


@pytest.fixture
def regs(city):
    regs = with_registers(city)
    count(regs, "DIBAO_P", "DIBAO", name_zh="低保人数（名册）")
    return regs


def _form(**values) -> dict[str, str]:
    base = {"code": "DIBAO_F", "name_zh": "女性低保人数", "kind": "count", "department_code": "MZJ",
            "register_code": "DIBAO", "sex": "F", "age_min": "", "age_below": "", "statuses": "", "attributes": "",
            "attribute": "", "numerator": "", "denominator": "", "factor": "1", "formula": "", "element_code": ""}
    return base | values


def test_the_list_and_the_figures_by_unit_with_a_download(regs, client, sign_in):
    sign_in("bob")
    assert "DIBAO_P" in client.get("/indicators").text
    page = client.get("/indicators/DIBAO_P?period=202611&level=4")
    assert page.status_code == 200 and "DIBAO名册" in page.text
    assert '<td class="num">3</td>' in page.text  # V1
    download = client.get("/indicators/DIBAO_P/values.xlsx?period=202611&level=3")
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("S1", "杨柳街道", "202611", 4) and rows[2][:4] == ("S2", "石桥镇", "202611", 1)


def test_an_author_creates_and_edits_an_indicator(regs, client, sign_in, csrf):
    sign_in("erin")
    token = csrf(client.get("/indicators/new"))
    created = client.post("/indicators/new", data=_form(csrf_token=token))
    assert created.status_code == 303 and created.headers["location"] == "/indicators/DIBAO_F"
    assert indicators.get(regs.db, "DIBAO_F").filters == {"sex": "F"}
    edited = client.post("/indicators/DIBAO_F/edit", data=_form(csrf_token=token, sex="", age_min="60",
                                                                attributes="TEKUN_MODE=central,home"))
    assert edited.status_code == 303
    assert indicators.get(regs.db, "DIBAO_F").filters == {"age_min": 60, "attributes": {"TEKUN_MODE": ["central", "home"]}}
    assert 'value="TEKUN_MODE=central,home"' in client.get("/indicators/DIBAO_F/edit").text


def test_faults_are_shown_and_nothing_is_saved(regs, client, sign_in, csrf):
    sign_in("erin")
    token = csrf(client.get("/indicators/new"))
    page = client.post("/indicators/new", data=_form(csrf_token=token, age_min="sixty", register_code="NOPE"))
    assert page.status_code == 422 and "最小年龄必须是整数：sixty" in page.text
    page = client.post("/indicators/new", data=_form(csrf_token=token, register_code="NOPE"))
    assert page.status_code == 422 and "名册 NOPE 不存在" in page.text
    assert [i.code for i in indicators.list_indicators(regs.db)] == ["DIBAO_P"]


def test_a_post_without_the_csrf_token_is_refused(regs, client, sign_in):
    sign_in("erin")
    assert client.post("/indicators/new", data=_form()).status_code == 403
    assert client.post("/indicators/DIBAO_P/edit", data=_form(code="DIBAO_P")).status_code == 403
    assert [i.code for i in indicators.list_indicators(regs.db)] == ["DIBAO_P"]


@pytest.mark.parametrize("person", ["grace", "frank", "alice", "heidi", "ivan"])
def test_others_may_not_define_or_change_the_departments_indicators(regs, client, sign_in, csrf, person):
    token = sign_in(person)
    assert client.post("/indicators/new", data=_form(csrf_token=token)).status_code == 403
    assert client.post("/indicators/DIBAO_P/edit", data=_form(csrf_token=token, code="DIBAO_P",
                                                             name_zh="改")).status_code == 403
    assert indicators.get(regs.db, "DIBAO_P").name_zh == "低保人数（名册）"


def test_the_designer_binds_a_field_to_an_indicator(regs, client, sign_in, csrf):
    count(regs, "DIBAO_HH_COUNT", "DIBAO", "DIBAO_HOUSEHOLDS", kind="distinct", attribute="HOUSEHOLD_ID")
    token = sign_in("erin")
    bound = designer_form(token, **{"fields-0-kind": "register"})
    saved = client.post("/specs/new", data=bound)
    assert saved.status_code == 303, saved.text
    spec = specs.list_specs(regs.db, regs.erin, status="draft")[0]
    field = next(f for f in spec.fields if f.key == "DIBAO_H")
    assert (field.kind, field.element.code) == ("register", "DIBAO_HOUSEHOLDS")
    refused = client.post("/specs/new", data=designer_form(token, form_number="民统月08表", **{
        "fields-1-kind": "register"}))
    assert refused.status_code == 422 and "没有指标计算数据元 DIBAO_PERSONS" in refused.text
