"""a load into an empty register: the id range of the records it added, instead of a change row each

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 01:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('register_import') as batch:
        batch.add_column(sa.Column('added_from_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('added_to_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('register_import') as batch:
        batch.drop_column('added_to_id')
        batch.drop_column('added_from_id')
