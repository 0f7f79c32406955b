"""A reporter fills the one form, meets the checks, explains what is unusual, submits, and keeps a receipt
anyone can verify; after that, every change needs a reason."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fillonce.core.config import load_settings
from fillonce.core.errors import PermissionDenied, ValidationError
from fillonce.entry import service as entry
from fillonce.demo.witnesses import start_demo_witnesses
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.ledger.verify import verify
from fillonce.specs.draft import FieldDraft, RuleDraft
from spec_stories import civil_monthly, publish

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_proof.py"
GOOD = {("POP_REGISTERED", ""): 2000, ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", "M"): 12,
        ("DIBAO_PERSONS", "F"): 11}


@pytest.fixture
def monthly(city):
    fields = [f for f in civil_monthly().fields if f.key != "DB_P"]
    publish(city, civil_monthly(fields=fields + [
        FieldDraft("DB_P", "最低生活保障人数", element_code="DIBAO_PERSONS", category="SEX")],
        rules=[RuleDraft("DB_P >= DB_H", "error", "低保人数不应少于低保户数"),
               RuleDraft("DB_P <= POP * 0.015", "warning", "低保人数超过户籍人口的1.5%，请核实")]), city.erin)
    return city


def test_missing_items_and_failed_checks_block_submission_and_name_what(monthly):
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", {("POP_REGISTERED", ""): 1200})
    with pytest.raises(ValidationError) as missing:
        entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    assert "杨柳社区 202611：必填项「低保户数」未填" in str(missing.value)
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", {**GOOD, ("DIBAO_HOUSEHOLDS", ""): 30})
    with pytest.raises(ValidationError, match="低保人数不应少于低保户数（低保户数=30，最低生活保障人数=23）"):
        entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    assert entry.submission_of(monthly.db, monthly.alice.org_unit_id, "202611") is None


def test_a_warning_needs_an_explanation_which_is_recorded(monthly):
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", {**GOOD, ("DIBAO_PERSONS", "M"): 20})
    with pytest.raises(ValidationError, match="需要上报说明：低保人数超过户籍人口的1.5%"):
        entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    submission = entry.submit_form(monthly.db, monthly.alice, "V1", "202611",
                                   {"民统月01表#1": "本月新增一户五口重病家庭纳入低保"})
    assert submission.explanations == {"民统月01表#1": "本月新增一户五口重病家庭纳入低保"}
    last = log.entry(monthly.db, log.current_size(monthly.db) - 1)
    assert json.loads(last.body)["reason"] == "本月新增一户五口重病家庭纳入低保"


def test_the_receipt_verifies_offline_and_catches_altered_values(monthly, tmp_path):
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", GOOD)
    submission = entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    receipt = entry.receipt(monthly.db, load_settings(), submission)
    assert receipt["still_current"] and len(receipt["values"]) == 4
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")
    checked = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "4 项数据与账本记录一致" in checked.stdout
    receipt["values"][0][2] = "9999"
    path.write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True).returncode == 1


def test_the_submission_signs_the_checkpoint_its_receipt_proves_against_and_witnesses_cosign_it(monthly, tmp_path):
    settings = start_demo_witnesses(replace(load_settings(), key_dir=tmp_path))
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", GOOD)
    submission = entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    signed = ledger.latest_checkpoint(monthly.db)
    assert signed.size == log.current_size(monthly.db)  # signed in the submission's own transaction
    receipt = entry.receipt(monthly.db, settings, submission)
    assert receipt["checkpoint"].startswith(signed.note)
    cosigners = {line.split(" ")[1] for line in receipt["checkpoint"][len(signed.note):].splitlines() if line}
    assert cosigners == {"witness.mzj.example.gov.cn", "witness.wjw.example.gov.cn"}
    assert verify(monthly.db, settings).ok


def test_a_failed_submission_signs_nothing(monthly):
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", {("POP_REGISTERED", ""): 1200})
    before = ledger.latest_checkpoint(monthly.db)
    with pytest.raises(ValidationError):
        entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    assert ledger.latest_checkpoint(monthly.db) == before


def test_after_submission_a_change_needs_a_reason(monthly):
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", GOOD)
    entry.submit_form(monthly.db, monthly.alice, "V1", "202611")
    with pytest.raises(ValidationError, match="已提交，修改或删除数据须说明原因"):
        entry.save_values(monthly.db, monthly.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 9})
    assert entry.save_values(monthly.db, monthly.alice, "V1", "202611", GOOD) == 0  # nothing changed: no reason asked
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 9}, reason="一户迁出")
    assert json.loads(log.entry(monthly.db, log.current_size(monthly.db) - 1).body)["reason"] == "一户迁出"


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "heidi", "ivan"])
def test_only_the_units_own_people_submit(monthly, who):
    entry.save_values(monthly.db, monthly.alice, "V1", "202611", GOOD)
    with pytest.raises(PermissionDenied):
        entry.submit_form(monthly.db, monthly.actors[who], "V1", "202611")


def test_nothing_to_submit_for_a_period_without_specs(monthly):
    with pytest.raises(ValidationError, match="本期没有需要填报的报表"):
        entry.submit_form(monthly.db, monthly.alice, "V1", "2026Q4")


def test_the_one_form_page_saves_submits_and_offers_the_receipt(monthly, client, sign_in):
    token = sign_in("alice")
    page = client.get("/forms/V1/202611")
    assert 'name="v|POP_REGISTERED|"' in page.text and "disabled" not in page.text.split('name="v|POP_REGISTERED|"')[1][:80]
    form = {"csrf_token": token, "action": "submit", "v|POP_REGISTERED|": "2000", "v|DIBAO_HOUSEHOLDS|": "40",
            "v|DIBAO_PERSONS|M": "12", "v|DIBAO_PERSONS|F": "11"}
    refused = client.post("/forms/V1/202611", data=form)
    assert refused.status_code == 422 and "低保人数不应少于低保户数" in refused.text
    assert 'value="40"' in refused.text  # what was typed stays
    done = client.post("/forms/V1/202611", data={**form, "v|DIBAO_HOUSEHOLDS|": "10"})
    assert done.status_code == 303
    receipt = client.get("/forms/V1/202611/receipt.json")
    assert receipt.status_code == 200 and receipt.json()["receipt"] == "fillonce submission receipt v1"
    client.cookies.clear()
    sign_in("bob")
    assert client.post("/forms/V1/202611", data={**form, "csrf_token": csrf_for(client)}).status_code == 403
    assert client.get("/forms/V1/202611").status_code == 403


def csrf_for(client):
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)


def test_two_people_saving_the_same_value_on_the_page(monthly, client, sign_in):
    alice = sign_in("alice")
    loaded = client.get("/forms/V1/202611")  # alice opens the form …
    assert 'name="was|DIBAO_HOUSEHOLDS|" value=""' in loaded.text
    entry.save_values(monthly.db, monthly.carol, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 12})  # … carol saves first
    refused = client.post("/forms/V1/202611", data={"csrf_token": alice, "action": "save",
                                                    "v|DIBAO_HOUSEHOLDS|": "15", "was|DIBAO_HOUSEHOLDS|": ""})
    assert refused.status_code == 409 and "「低保户数」现为 12" in refused.text
    assert 'name="was|DIBAO_HOUSEHOLDS|" value="12"' in refused.text and 'value="15"' in refused.text


def test_data_value_sets_in_and_out_through_the_api(monthly, client, sign_in):
    token = sign_in("alice")
    body = {"orgUnit": "V1", "period": "202611", "complete": True,
            "dataValues": [{"dataElement": code, "categoryOption": option, "value": str(value)}
                           for (code, option), value in GOOD.items()]}
    assert client.post("/api/v1/dataValueSets", json=body).status_code == 403  # no CSRF header
    bad = client.post("/api/v1/dataValueSets", headers={"X-CSRF-Token": token},
                      json={**body, "dataValues": [{"dataElement": "DIBAO_HOUSEHOLDS", "value": "十"}]})
    assert bad.status_code == 422 and "低保户数" in bad.json()["error"]
    done = client.post("/api/v1/dataValueSets", headers={"X-CSRF-Token": token}, json=body)
    assert done.status_code == 200 and done.json()["changed"] == 4
    assert done.json()["receipt"]["receipt"] == "fillonce submission receipt v1"
    out = client.get("/api/v1/dataValueSets?orgUnit=V1&period=202611").json()
    assert out["complete"] and {(v["dataElement"], v["categoryOption"]) for v in out["dataValues"]} == set(GOOD)
    size = log.current_size(monthly.db)
    again = client.post("/api/v1/dataValueSets", headers={"X-CSRF-Token": token}, json=body)  # the same values
    assert again.status_code == 200 and again.json()["changed"] == 0
    assert [json.loads(log.entry(monthly.db, i).body)["action"] for i in range(size, log.current_size(monthly.db))] \
        == ["form.submit"]  # submitted again, and nothing else written
    client.cookies.clear()
    sign_in("bob")
    assert client.get("/api/v1/dataValueSets?orgUnit=V1&period=202611").status_code == 403
