"""a stamp per ledger object type, drawn anew with each change of that type, for caches

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 22:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_type_stamp',
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('object_type', name=op.f('pk_ledger_type_stamp'))
    )
    op.execute("INSERT INTO ledger_type_stamp (object_type, stamp) "
               "SELECT object_type, max(idx) FROM ledger_entry GROUP BY object_type")


def downgrade() -> None:
    op.drop_table('ledger_type_stamp')
