"""register_record: the person's unique key becomes a unique index (a bulk load into SQLite can drop and
rebuild an index, not a table constraint); the index on org_unit_id alone goes (every query of records names
the register, and the register-and-unit index serves those)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 05:00:00
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KEY = ['person_key', 'register_id', 'org_unit_id']


def upgrade() -> None:
    op.drop_index('ix_register_record_org_unit_id', table_name='register_record')
    with op.batch_alter_table('register_record') as batch:
        batch.drop_constraint('uq_register_record_person_key', type_='unique')
    op.create_index('uq_register_record_person_key', 'register_record', KEY, unique=True)


def downgrade() -> None:
    op.drop_index('uq_register_record_person_key', table_name='register_record')
    with op.batch_alter_table('register_record') as batch:
        batch.create_unique_constraint('uq_register_record_person_key', KEY)
    op.create_index('ix_register_record_org_unit_id', 'register_record', ['org_unit_id'], unique=False)
