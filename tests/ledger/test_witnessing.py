"""Witnesses cosign the city's checkpoints over HTTP, and refuse a forked or rewritten log."""

import logging
from dataclasses import replace

from sqlalchemy import delete, select, update

from forgery import rebuild_tree
from fillonce.core.config import load_settings
from fillonce.demo.witnesses import start_demo_witnesses
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.ledger.models import Cosignature, LedgerEntry
from fillonce.ledger.verify import verify
from fillonce.orgunits import service as orgunits


def _witnessed_settings(tmp_path):
    settings = replace(load_settings(), key_dir=tmp_path)
    return start_demo_witnesses(settings)


def test_two_witnesses_cosign_each_new_checkpoint_and_verify_checks_them(story, tmp_path):
    settings = _witnessed_settings(tmp_path)
    first = ledger.make_checkpoint(story.db, settings)
    assert ledger.collect_cosignatures(story.db, settings, first) == []
    orgunits.rename(story.db, story.judy, "V1", "杨柳新社区")
    second = ledger.make_checkpoint(story.db, settings)
    assert ledger.collect_cosignatures(story.db, settings, second) == []  # needs a consistency proof
    witnesses = {c.witness for c in story.db.scalars(select(Cosignature).where(Cosignature.checkpoint_id == second.id))}
    assert witnesses == {"witness.mzj.example.gov.cn", "witness.wjw.example.gov.cn"}
    report = verify(story.db, settings)
    assert report.ok and report.cosignatures == 4


def test_a_forged_cosignature_is_named(story, tmp_path):
    settings = _witnessed_settings(tmp_path)
    checkpoint = ledger.make_checkpoint(story.db, settings)
    ledger.collect_cosignatures(story.db, settings, checkpoint)
    cosig = story.db.scalars(select(Cosignature)).first()
    forged = cosig.line[:-6] + ("A" if cosig.line[-6] != "A" else "B") + cosig.line[-5:]
    story.db.execute(update(Cosignature).where(Cosignature.id == cosig.id).values(line=forged))
    report = verify(story.db, settings)
    assert any("cosignature" in p.what and cosig.witness in p.what for p in report.problems)


def test_witnesses_refuse_a_rewritten_log_loudly(story, tmp_path, caplog):
    settings = _witnessed_settings(tmp_path)
    ledger.collect_cosignatures(story.db, settings, ledger.make_checkpoint(story.db, settings))
    size = log.current_size(story.db)
    # Rewrite history: drop the last entries, rebuild the tree, append a different tail of the same length.
    story.db.execute(delete(LedgerEntry).where(LedgerEntry.idx >= size - 2))
    rebuild_tree(story.db)
    orgunits.rename(story.db, story.judy, "V2", "伪造一")
    orgunits.rename(story.db, story.judy, "V3", "伪造二")
    orgunits.rename(story.db, story.judy, "V1", "伪造三")
    forked = ledger.make_checkpoint(story.db, settings)
    with caplog.at_level(logging.ERROR, logger="fillonce.ledger.service"):
        failures = ledger.collect_cosignatures(story.db, settings, forked)
    assert len(failures) == 2 and "refused" in caplog.text
    assert story.db.scalar(select(Cosignature).where(Cosignature.checkpoint_id == forked.id)) is None
    assert any("rewritten" in p.what for p in verify(story.db, settings).problems)
