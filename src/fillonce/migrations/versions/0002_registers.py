"""registers (台账): registers, records, imports and their changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('exclusive_group', sa.String(length=32), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_register_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register')),
    sa.UniqueConstraint('code', name=op.f('uq_register_code'))
    )
    op.create_index(op.f('ix_register_department_id'), 'register', ['department_id'], unique=False)
    op.create_table('register_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('changes_digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['imported_by'], ['account.id'], name=op.f('fk_register_import_imported_by_account')),
    sa.ForeignKeyConstraint(['register_id'], ['register.id'], name=op.f('fk_register_import_register_id_register')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_import'))
    )
    op.create_index(op.f('ix_register_import_file_sha256'), 'register_import', ['file_sha256'], unique=False)
    op.create_index(op.f('ix_register_import_register_id'), 'register_import', ['register_id'], unique=False)
    op.create_table('register_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('id_number_enc', sa.Text(), nullable=False),
    sa.Column('id_masked', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('address', sa.String(length=400), nullable=False),
    sa.Column('phone_enc', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('row_digest', sa.String(length=64), nullable=False),
    sa.Column('added_on', sa.Date(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('last_import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['last_import_id'], ['register_import.id'], name=op.f('fk_register_record_last_import_id_register_import')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_register_record_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['register_id'], ['register.id'], name=op.f('fk_register_record_register_id_register')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_record')),
    sa.UniqueConstraint('person_key', 'register_id', 'org_unit_id', name=op.f('uq_register_record_person_key'))
    )
    op.create_index(op.f('ix_register_record_org_unit_id'), 'register_record', ['org_unit_id'], unique=False)
    op.create_index('ix_register_record_register_unit', 'register_record', ['register_id', 'org_unit_id'], unique=False)
    op.create_table('register_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=8), nullable=False),
    sa.Column('digest_before', sa.String(length=64), nullable=False),
    sa.Column('digest_after', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['register_import.id'], name=op.f('fk_register_change_import_id_register_import')),
    sa.ForeignKeyConstraint(['record_id'], ['register_record.id'], name=op.f('fk_register_change_record_id_register_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_change'))
    )
    op.create_index(op.f('ix_register_change_import_id'), 'register_change', ['import_id'], unique=False)
    op.create_index(op.f('ix_register_change_record_id'), 'register_change', ['record_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_register_change_record_id'), table_name='register_change')
    op.drop_index(op.f('ix_register_change_import_id'), table_name='register_change')
    op.drop_table('register_change')
    op.drop_index('ix_register_record_register_unit', table_name='register_record')
    op.drop_index(op.f('ix_register_record_org_unit_id'), table_name='register_record')
    op.drop_table('register_record')
    op.drop_index(op.f('ix_register_import_register_id'), table_name='register_import')
    op.drop_index(op.f('ix_register_import_file_sha256'), table_name='register_import')
    op.drop_table('register_import')
    op.drop_index(op.f('ix_register_department_id'), table_name='register')
    op.drop_table('register')
