"""feedback (投诉建议) and burden-metric settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 19:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_setting')),
    sa.UniqueConstraint('key', name=op.f('uq_office_setting_key'))
    )
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('spec_id', sa.Integer(), nullable=True),
    sa.Column('field_key', sa.String(length=64), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('raised_by', sa.Integer(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_spec_id', sa.Integer(), nullable=True),
    sa.Column('retired_field', sa.String(length=64), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('reopen_reason', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['account.id'], name=op.f('fk_feedback_answered_by_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_feedback_department_id_department')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_feedback_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['raised_by'], ['account.id'], name=op.f('fk_feedback_raised_by_account')),
    sa.ForeignKeyConstraint(['resolved_spec_id'], ['spec.id'], name=op.f('fk_feedback_resolved_spec_id_spec')),
    sa.ForeignKeyConstraint(['spec_id'], ['spec.id'], name=op.f('fk_feedback_spec_id_spec')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    op.create_index(op.f('ix_feedback_department_id'), 'feedback', ['department_id'], unique=False)
    op.create_index(op.f('ix_feedback_org_unit_id'), 'feedback', ['org_unit_id'], unique=False)
    op.create_index(op.f('ix_feedback_raised_by'), 'feedback', ['raised_by'], unique=False)
    op.create_index(op.f('ix_feedback_spec_id'), 'feedback', ['spec_id'], unique=False)
    op.create_index(op.f('ix_feedback_status'), 'feedback', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_feedback_status'), table_name='feedback')
    op.drop_index(op.f('ix_feedback_spec_id'), table_name='feedback')
    op.drop_index(op.f('ix_feedback_raised_by'), table_name='feedback')
    op.drop_index(op.f('ix_feedback_org_unit_id'), table_name='feedback')
    op.drop_index(op.f('ix_feedback_department_id'), table_name='feedback')
    op.drop_table('feedback')
    op.drop_table('office_setting')
