"""Register pages and the records API: masked lists, the import preview and its choice, CSRF, tokens."""

from __future__ import annotations

from sqlalchemy import select

from fillonce.accounts import service as accounts
from fillonce.accounts import tokens
from fillonce.ledger.models import LedgerEntry
from fillonce.registers import loading
from fillonce.registers.models import RegisterRecord
from register_stories import person, person_id


def _upload(client, token, path, **extra):
    with path.open("rb") as handle:
        return client.post("/registers/DIBAO/import", data={"csrf_token": token, **extra},
                           files={"file": (path.name, handle, "text/csv")})


def test_the_owner_sees_masked_people_and_others_only_counts(story, dibao, write_csv, client, sign_in):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, name="王小明")]))
    sign_in("frank")
    page = client.get("/registers/DIBAO")
    assert page.status_code == 200 and "王*明" in page.text and person_id(1) not in page.text
    assert "王小明" not in page.text
    sign_in("heidi")
    page = client.get("/registers/DIBAO")
    assert page.status_code == 200 and "王*" not in page.text and person_id(1)[-4:] not in page.text
    assert "DIBAO" in client.get("/registers").text


def test_a_clean_upload_loads_and_shows_the_counts(story, dibao, write_csv, client, sign_in):
    token = sign_in("erin")
    response = _upload(client, token, write_csv([person(1), person(2, name="李四")]))
    assert response.status_code == 200 and "dibao.csv" in response.text
    assert len(story.db.scalars(select(RegisterRecord)).all()) == 2


def test_a_bad_upload_previews_the_errors_and_loads_the_good_rows_when_asked(story, dibao, write_csv, client, sign_in,
                                                                             csrf):
    token = sign_in("erin")
    response = _upload(client, token, write_csv([person(1), person(2, 单位代码="NOWHERE")]))
    assert response.status_code == 422 and "NOWHERE" in response.text
    assert story.db.scalars(select(RegisterRecord)).all() == []
    action = response.text.split('action="/registers/DIBAO/import/')[1].split('"')[0]
    report = client.get(f"/registers/DIBAO/import/{action}/errors.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    sign_in("frank")
    assert client.get(f"/registers/DIBAO/import/{action}/errors.xlsx").status_code == 404  # not frank's upload
    token = sign_in("erin")
    loaded = client.post(f"/registers/DIBAO/import/{action}", data={"csrf_token": token})
    assert loaded.status_code == 200
    assert len(story.db.scalars(select(RegisterRecord)).all()) == 1


def test_posts_without_the_csrf_token_are_refused(story, dibao, write_csv, client, sign_in):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)]))
    sign_in("erin")
    assert _upload(client, "forged", write_csv([person(2)])).status_code == 403
    record = story.db.scalars(select(RegisterRecord)).first()
    assert client.post(f"/registers/records/{record.id}/reveal", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/api/v1/registers/DIBAO/records", json={"upsert": []}).status_code == 403


def test_reveal_shows_the_number_to_the_owner_and_records_it(story, dibao, write_csv, client, sign_in):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)]))
    record = story.db.scalars(select(RegisterRecord)).first()
    token = sign_in("heidi")
    assert client.post(f"/registers/records/{record.id}/reveal", data={"csrf_token": token}).status_code == 403
    token = sign_in("frank")
    response = client.post(f"/registers/records/{record.id}/reveal", data={"csrf_token": token})
    assert response.status_code == 200 and person_id(1) in response.text
    assert story.db.scalars(select(LedgerEntry).where(LedgerEntry.action == "register.reveal")).one()


def test_the_api_takes_a_department_token_without_csrf(story, dibao, client):
    own, _ = tokens.create(story.db, story.erin, accounts.get_department(story.db, "MZJ"), "民政系统")
    other, _ = tokens.create(story.db, story.grace, accounts.get_department(story.db, "WJW"), "卫健系统")
    body = {"upsert": [{"id_number": person_id(5), "name": "赵六", "org_unit": "V2", "HOUSEHOLD_ID": "H5"}]}
    refused = client.post("/api/v1/registers/DIBAO/records", json=body, headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403
    assert client.post("/api/v1/registers/DIBAO/records", json=body,
                       headers={"Authorization": "Bearer fo_unknown"}).status_code == 401
    response = client.post("/api/v1/registers/DIBAO/records", json=body, headers={"Authorization": f"Bearer {own}"})
    assert response.status_code == 200 and response.json()["added"] == 1
    bad = {"upsert": [{"id_number": "123", "name": "赵六", "org_unit": "V2", "HOUSEHOLD_ID": "H5"}]}
    assert client.post("/api/v1/registers/DIBAO/records", json=bad,
                       headers={"Authorization": f"Bearer {own}"}).status_code == 422


def test_the_owner_downloads_masked_or_clear(story, dibao, write_csv, client, sign_in):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)]))
    token = sign_in("frank")
    masked = client.get("/registers/DIBAO/export.xlsx")
    assert masked.status_code == 200 and masked.content[:2] == b"PK"
    clear = client.post("/registers/DIBAO/export", data={"csrf_token": token})
    assert clear.status_code == 200
    token = sign_in("heidi")
    assert client.post("/registers/DIBAO/export", data={"csrf_token": token}).status_code == 403
