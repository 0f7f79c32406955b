"""Downloads from the report center: each one is a transmission recorded in the ledger."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.reports import render
from fillonce.reports import service as reports
from fillonce.reports.service import Report

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8", "json": "application/json", "zip": "application/zip",
           "pdf": "application/pdf"}


@dataclass(frozen=True)
class Download:
    body: bytes
    filename: str
    media_type: str
    sha256: str
    checkpoint_size: int


@write_service
def _record_transmission(db: Session, actor: Actor, report: Report, fmt: str, digest: str, size: int) -> None:
    log.record(db, actor, "report.download", effect="event", object_type="spec", object_id=str(report.spec.id),
               details={"period": report.period.id, "level": report.level, "format": fmt, "sha256": digest,
                        "checkpoint": size, "version": report.spec.version})


def download(db: Session, actor: Actor, settings, spec_id: int, period_id: str, level: int | None,
             fmt: str) -> Download:
    """Every download is a transmission: the file names the checkpoint it was built from, and the
    ledger records who took which report and the file's hash."""
    if fmt not in FORMATS:
        raise ValidationError(Text(f"不支持的格式 {fmt}（xlsx、csv、json 或 zip 数据包）",
                                   f"unsupported format {fmt} (xlsx, csv, json or a zip data package)"))
    checkpoint = ledger.checkpoint_covering(db, settings, max(log.current_size(db) - 1, 0))
    note = ledger.cosigned_note(db, checkpoint)
    report = reports.build(db, actor, spec_id, period_id, level)
    body = {"xlsx": lambda: render.xlsx(report, note),
            "csv": lambda: ("\ufeff" + render.csv_text(report)).encode("utf-8"),  # BOM: Excel reads it as UTF-8
            "json": lambda: render.json_bytes(report, note),
            "zip": lambda: render.data_package(report, note),
            "pdf": lambda: render.pdf(report, note)}[fmt]()
    digest = hashlib.sha256(body).hexdigest()
    _record_transmission(db, actor, report, fmt, digest, checkpoint.size)
    name = f"{report.spec.form_number}-v{report.spec.version}-{report.period.id}-L{report.level}.{fmt}"
    return Download(body, name, FORMATS[fmt], digest, checkpoint.size)
