"""The burden-reduction office audits forms in the browser and turns a cluster into an element."""

import io

from openpyxl import Workbook, load_workbook

CSRF = __import__("re").compile(r'name="csrf_token" value="([^"]+)"')


def _xlsx(header, row) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILES = [("files", ("民政_低保.xlsx", _xlsx(["村（社区）名称", "低保户数（户）", "孕产妇数"], ["杨柳村", 3, 1]))),
         ("files", ("卫健_妇幼.xlsx", _xlsx(["单位名称", "孕产妇人数（人）"], ["杨柳村", 1])))]


def test_the_office_audits_downloads_the_map_and_creates_an_element(client, sign_in):
    token = sign_in("heidi")
    page = client.post("/audit", data={"csrf_token": token}, files=FILES)
    assert page.status_code == 200 and "孕产妇" in page.text
    audit = page.text.split('action="/audit/')[1].split("/")[0]
    workbook = client.get(f"/audit/{audit}/map.xlsx")
    assert workbook.status_code == 200 and "重复字段" in load_workbook(io.BytesIO(workbook.content)).sheetnames
    created = client.post(f"/audit/{audit}/element", data={
        "csrf_token": token, "code": "MATERNAL", "name_zh": "孕产妇数", "unit": "人", "value_type": "integer",
        "aggregation": "sum", "owner": "WJW", "aliases": "孕产妇人数\n孕产妇数"})
    assert created.status_code == 200 and "MATERNAL" in created.text
    element = client.get("/api/v1/elements/MATERNAL").json()
    assert element["owner_department"] == "WJW" and element["aliases"] == ["孕产妇人数"]


def test_others_may_not_audit_nor_read_someone_elses_audit(client, sign_in):
    token = sign_in("heidi")
    page = client.post("/audit", data={"csrf_token": token}, files=FILES)
    audit = page.text.split('action="/audit/')[1].split("/")[0]
    client.post("/signout", data={"csrf_token": token})
    sign_in("judy")  # an administrator may audit, but not read the office's uploads
    assert client.get(f"/audit/{audit}/map.xlsx").status_code == 404
    client.cookies.clear()
    sign_in("erin")
    assert client.get("/audit").status_code == 403


def test_an_upload_without_csrf_is_refused(client, sign_in):
    sign_in("heidi")
    assert client.post("/audit", files=FILES).status_code == 403
