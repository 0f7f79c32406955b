"""quality findings and their explanations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quality_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sub_kind', sa.String(length=32), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=True),
    sa.Column('spec_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('message_zh', sa.Text(), nullable=False),
    sa.Column('message_en', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cleared_on', sa.Date(), nullable=True),
    sa.Column('first_found', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_found', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_quality_finding_department_id_department')),
    sa.ForeignKeyConstraint(['element_id'], ['data_element.id'], name=op.f('fk_quality_finding_element_id_data_element')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_quality_finding_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['spec_id'], ['spec.id'], name=op.f('fk_quality_finding_spec_id_spec')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_finding')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_quality_finding_fingerprint'))
    )
    op.create_index(op.f('ix_quality_finding_department_id'), 'quality_finding', ['department_id'], unique=False)
    op.create_index(op.f('ix_quality_finding_org_unit_id'), 'quality_finding', ['org_unit_id'], unique=False)
    op.create_index('ix_quality_finding_period_kind', 'quality_finding', ['period', 'kind'], unique=False)
    op.create_table('quality_form_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('spec_id', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('submitted', sa.Boolean(), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_quality_form_status_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['spec_id'], ['spec.id'], name=op.f('fk_quality_form_status_spec_id_spec')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_form_status')),
    sa.UniqueConstraint('period', 'org_unit_id', 'spec_id', name=op.f('uq_quality_form_status_period'))
    )
    op.create_index(op.f('ix_quality_form_status_org_unit_id'), 'quality_form_status', ['org_unit_id'], unique=False)
    op.create_index(op.f('ix_quality_form_status_period'), 'quality_form_status', ['period'], unique=False)
    op.create_table('quality_explanation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('explained_by', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['explained_by'], ['account.id'], name=op.f('fk_quality_explanation_explained_by_account')),
    sa.ForeignKeyConstraint(['finding_id'], ['quality_finding.id'], name=op.f('fk_quality_explanation_finding_id_quality_finding')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_explanation')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_quality_explanation_finding_id'))
    )


def downgrade() -> None:
    op.drop_table('quality_explanation')
    op.drop_index(op.f('ix_quality_form_status_period'), table_name='quality_form_status')
    op.drop_index(op.f('ix_quality_form_status_org_unit_id'), table_name='quality_form_status')
    op.drop_table('quality_form_status')
    op.drop_index('ix_quality_finding_period_kind', table_name='quality_finding')
    op.drop_index(op.f('ix_quality_finding_org_unit_id'), table_name='quality_finding')
    op.drop_index(op.f('ix_quality_finding_department_id'), table_name='quality_finding')
    op.drop_table('quality_finding')
