"""`fillonce audit` as the burden-reduction office runs it: a readable table, stable JSON, a workbook."""

import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from fillonce.cli import app


def test_audit_prints_the_stable_json_shape_and_writes_the_map(xlsx, tmp_path):
    civil = xlsx.form("民政_低保.xlsx", {"Sheet1": [["村（社区）名称", "低保户数（户）", "低保人数（人）"], ["杨柳村", 3, 5]]})
    health = xlsx.form("卫健_救助.xlsx", {"Sheet1": [["单位名称", "最低生活保障人数", "孕产妇数"], ["杨柳村", 5, 2]]})
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"not a workbook")
    out = tmp_path / "map.xlsx"
    result = CliRunner().invoke(app, ["audit", str(civil), str(health), str(broken), "--json", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert set(data) >= {"forms", "fields", "clusters", "burden"}
    assert {f["id"] for f in data["fields"]} >= {"民政_低保.xlsx#Sheet1!C", "卫健_救助.xlsx#Sheet1!B"}
    pair = {"民政_低保.xlsx#Sheet1!C", "卫健_救助.xlsx#Sheet1!B"}
    assert any(set(c["fields"]) == pair for c in data["clusters"])
    assert data["burden"]["fields_after"] == data["burden"]["fields_before"] - 1
    assert "坏文件.xlsx" in result.output  # the bad file is named, the others still audited
    assert "重复字段" in load_workbook(out).sheetnames
