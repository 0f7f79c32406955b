"""indicators (不报统计): definitions and computed values

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 19:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('register_id', sa.Integer(), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('attribute', sa.String(length=64), nullable=False),
    sa.Column('numerator', sa.String(length=64), nullable=False),
    sa.Column('denominator', sa.String(length=64), nullable=False),
    sa.Column('factor', sa.Float(), nullable=False),
    sa.Column('formula', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_indicator_department_id_department')),
    sa.ForeignKeyConstraint(['element_id'], ['data_element.id'], name=op.f('fk_indicator_element_id_data_element')),
    sa.ForeignKeyConstraint(['register_id'], ['register.id'], name=op.f('fk_indicator_register_id_register')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_indicator_code')),
    sa.UniqueConstraint('element_id', name=op.f('uq_indicator_element_id'))
    )
    op.create_index(op.f('ix_indicator_department_id'), 'indicator', ['department_id'], unique=False)
    op.create_index(op.f('ix_indicator_register_id'), 'indicator', ['register_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_indicator_register_id'), table_name='indicator')
    op.drop_index(op.f('ix_indicator_department_id'), table_name='indicator')
    op.drop_table('indicator')
