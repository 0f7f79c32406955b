"""What a careful forger with database access does after rewriting entries: rebuild the stored tree
so that every stored hash agrees with the (forged) entries again."""

from sqlalchemy import delete, select, update

from fillonce.ledger import log, merkle
from fillonce.ledger.models import LedgerEntry, LedgerHead, LedgerNode


def rebuild_tree(db) -> None:
    bodies = list(db.scalars(select(LedgerEntry.body).order_by(LedgerEntry.idx)))
    leaves = [merkle.leaf_hash(bytes(b)) for b in bodies]
    db.execute(delete(LedgerNode))
    if leaves:
        nodes = merkle.new_complete_nodes(0, leaves, lambda keys: {})
        rows = [{"key": log.node_key(level, index), "hash": h} for level, index, h in nodes
                if level and level % log.BAND == 0]
        if rows:
            db.execute(LedgerNode.__table__.insert(), rows)
    db.execute(update(LedgerHead).values(size=len(leaves)))


def rewrite_body(db, index: int, old: bytes, new: bytes, keep_leaf: bool = True) -> None:
    """Edit one entry's bytes; with `keep_leaf` the stored leaf hash is left as it was."""
    body = bytes(db.scalar(select(LedgerEntry.body).where(LedgerEntry.idx == index)))
    values = {"body": body.replace(old, new)}
    if not keep_leaf:
        values["leaf_hash"] = merkle.leaf_hash(values["body"])
    db.execute(update(LedgerEntry).where(LedgerEntry.idx == index).values(**values))
