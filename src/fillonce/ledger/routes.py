from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import authorize
from fillonce.core.errors import NotFound
from fillonce.core.i18n import Text
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.web.deps import Visitor, get_db, render, signed_in

router = APIRouter()
api = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


@router.get("/ledger")
def ledger_page(request: Request, before: int | None = None, db: Session = Depends(get_db),
                who: Visitor = Depends(signed_in)):
    entries = ledger.recent_entries(db, who.actor, limit=100, before=before)
    return render(request, who, "ledger/index.html", entries=[(e, json.loads(e.body)) for e in entries],
                  size=log.current_size(db), checkpoints=ledger.checkpoints(db))


@router.get("/ledger/entries/{index}")
def entry_page(index: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    authorize(who.actor, "ledger.view")
    bundle = ledger.proof_bundle(db, request.app.state.runtime.settings, index)
    return render(request, who, "ledger/entry.html", index=index, body=json.loads(bundle["entry"]), bundle=bundle)


@router.get("/history/{object_type}/{object_id}")
def history_page(object_type: str, object_id: str, request: Request, db: Session = Depends(get_db),
                 who: Visitor = Depends(signed_in)):
    authorize(who.actor, "ledger.history", object_type)
    items = ledger.history(db, request.app.state.runtime.settings, object_type, object_id)
    if not items:
        raise NotFound(Text("账本中没有这个对象的记录", "the ledger has no entries about this object"))
    return render(request, who, "ledger/history.html", object_type=object_type, object_id=object_id, items=items)


@api.get("/checkpoint", response_class=PlainTextResponse)
def latest_checkpoint(db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """The latest signed checkpoint with its witnesses' cosignatures (C2SP signed note)."""
    checkpoint = ledger.latest_checkpoint(db)
    if checkpoint is None:
        raise NotFound(Text("尚未签发检查点", "no checkpoint has been signed yet"))
    return ledger.cosigned_note(db, checkpoint)


@api.get("/entries/{index}/proof")
def entry_proof(index: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """A proof bundle for one entry, checkable offline with tools/verify_proof.py."""
    authorize(who.actor, "ledger.view")
    return JSONResponse(ledger.proof_bundle(db, request.app.state.runtime.settings, index))
