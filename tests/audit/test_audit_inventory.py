"""The inventory audit over several forms: JSON shape, clusters, burden, outputs."""

import json

import openpyxl
from rich.console import Console

from fillonce.audit.inventory import audit_files, render_table, write_duplicate_map_xlsx


def _three_departments(xlsx):
    civil = xlsx.village("民政_救助.xlsx", "社会救助情况表",
                         ["村（社区）", "低保户数（户）", "低保人数", "特困供养人数", "80周岁以上老人数"])
    health = xlsx.village("卫健_老龄.xlsx", "老年健康服务表",
                          ["单位名称", "80岁及以上老年人数", "最低生活保障对象人数", "五保供养人数", "体检率（%）"])
    disabled = xlsx.village("残联_名册.xlsx", "残疾人名册", ["序号", "姓名", "证件号码", "手机号码", "残疾类别"])
    affairs = xlsx.village("人社_名册.xlsx", "就业人员名册", ["序号", "姓名", "公民身份号码", "移动电话", "就业单位"])
    return [civil, health, disabled, affairs]


def _cluster_labels(result):
    labels = {f.id: f.label for f in result.fields}
    return sorted(sorted(labels[i] for i in c.fields) for c in result.clusters)


def test_audit_finds_duplicates_across_departments(xlsx):
    result = audit_files(_three_departments(xlsx))
    assert _cluster_labels(result) == [
        ["80周岁以上老人数", "80岁及以上老年人数"],
        ["五保供养人数", "特困供养人数"],
        ["低保人数", "最低生活保障对象人数"],
        ["公民身份号码", "证件号码"],
        ["姓名", "姓名"],
        ["手机号码", "移动电话"],
    ]
    assert result.errors == []


def test_json_has_the_stable_shape(xlsx):
    data = audit_files(_three_departments(xlsx)).to_json()
    assert {"forms", "fields", "clusters", "burden", "errors"} <= set(data)
    assert data["forms"][0] == {"file": "民政_救助.xlsx", "sheet": "Sheet1", "title": "社会救助情况表",
                                "kind": "aggregate"}
    assert data["forms"][2]["kind"] == "register"
    assert data["fields"][1] == {"id": "民政_救助.xlsx#Sheet1!B", "label": "低保户数（户）", "unit": "户",
                                 "key": False}
    cluster = data["clusters"][0]
    assert set(cluster) >= {"fields", "element", "confidence"}
    assert 0.8 <= cluster["confidence"] <= 1
    assert data["burden"] == {"fields_before": 16, "fields_after": 10}
    json.dumps(data, ensure_ascii=False)  # plain JSON all the way down


def test_element_gets_a_canonical_name(xlsx):
    result = audit_files(_three_departments(xlsx))
    names = {c.element for c in result.clusters}
    assert {"身份证号", "手机号", "低保人数", "姓名"} <= names


def test_complete_link_does_not_chain(xlsx):
    # 调解纠纷数 is close to both, but 人数 and 件数 are different data items.
    forms = [
        xlsx.village("a.xlsx", "甲表", ["村", "调解纠纷人数"]),
        xlsx.village("b.xlsx", "乙表", ["村", "调解纠纷数"]),
        xlsx.village("c.xlsx", "丙表", ["村", "调解纠纷件数"]),
    ]
    result = audit_files(forms)
    assert len(result.clusters) == 1
    assert len(result.clusters[0].fields) == 2
    assert "a.xlsx#Sheet1!B" not in result.clusters[0].fields or \
        "c.xlsx#Sheet1!B" not in result.clusters[0].fields


def test_columns_of_one_form_are_never_merged(xlsx):
    rows = [["村", "低保人数", "最低生活保障人数"]]
    assert audit_files([xlsx.form("重复.xlsx", {"Sheet1": rows})]).clusters == []


def test_possible_matches_go_to_review_not_clusters(xlsx):
    forms = [xlsx.village("a.xlsx", "甲表", ["村", "残疾人数"]),
             xlsx.village("b.xlsx", "乙表", ["村", "持证残疾人数"])]
    result = audit_files(forms)
    assert result.clusters == []
    [pair] = result.to_json()["review"]
    assert pair["fields"] == ["a.xlsx#Sheet1!B", "b.xlsx#Sheet1!B"]


def test_bad_files_are_reported_and_the_audit_goes_on(xlsx):
    good = _three_departments(xlsx)
    broken = xlsx.raw("坏表.xlsx", b"not a workbook")
    result = audit_files([broken, *good])
    assert len(result.forms) == 4
    assert [e["file"] for e in result.to_json()["errors"]] == ["坏表.xlsx"]


def test_folders_are_searched_and_lock_files_skipped(xlsx):
    _three_departments(xlsx)
    xlsx.raw("~$民政_救助.xlsx", b"lock")
    result = audit_files([xlsx.folder])
    assert len(result.forms) == 4 and result.errors == []


def test_duplicate_map_workbook(xlsx, tmp_path):
    result = audit_files(_three_departments(xlsx))
    target = tmp_path / "重复字段清单.xlsx"
    write_duplicate_map_xlsx(result, target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:1] == ["重复字段"]
    assert {"重复字段", "表单", "字段", "负担"} <= set(book.sheetnames)
    duplicates = book["重复字段"]
    assert duplicates["B1"].value == "数据项"
    assert duplicates.max_row == 1 + len(result.clusters)
    assert book["字段"].max_row == 1 + len(result.fields)
    burden = {row[0]: row[1] for row in book["负担"].iter_rows(min_row=2, values_only=True)}
    assert burden["需填报字段数（合并前）"] == 16 and burden["需填报字段数（合并后）"] == 10


def test_rich_table_shows_elements_and_burden(xlsx):
    result = audit_files([*_three_departments(xlsx), xlsx.raw("坏表.xlsx", b"")])
    console = Console(record=True, width=160)
    render_table(result, console)
    text = console.export_text()
    assert "身份证号" in text and "16" in text and "10" in text
    assert "坏表.xlsx" in text
