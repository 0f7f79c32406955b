"""initial schema: org units, accounts, catalogue, specs, values, ledger

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 18:23:11.534238
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('code', name=op.f('uq_category_code'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    op.create_table('ledger_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('root', sa.LargeBinary(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checkpoint'))
    )
    with op.batch_alter_table('ledger_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_checkpoint_size'), ['size'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('leaf_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('idx', name=op.f('pk_ledger_entry'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_object', ['object_type', 'object_id', 'idx'], unique=False)

    op.create_table('ledger_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_head'))
    )
    op.execute("INSERT INTO ledger_head (id, size) VALUES (1, 0)")
    op.create_table('ledger_node',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ledger_node'))
    )
    op.create_table('org_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['org_unit.id'], name=op.f('fk_org_unit_parent_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_org_unit_code'))
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_unit_path'), ['path'], unique=False)

    op.create_table('sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failure'))
    )
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failure_username'), ['username'], unique=False)

    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('duty', sa.String(length=20), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_account_department_id_department')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_account_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('username', name=op.f('uq_account_username'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('data_element',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('definition_zh', sa.Text(), nullable=False),
    sa.Column('definition_en', sa.Text(), nullable=False),
    sa.Column('value_type', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('aggregation', sa.String(length=10), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('slowly_changing', sa.Boolean(), nullable=False),
    sa.Column('owner_department_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_department_id'], ['department.id'], name=op.f('fk_data_element_owner_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_element')),
    sa.UniqueConstraint('code', name=op.f('uq_data_element_code'))
    )
    with op.batch_alter_table('data_element', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_element_name_zh'), ['name_zh'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_element_owner_department_id'), ['owner_department_id'], unique=False)

    op.create_table('ledger_cosignature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('witness', sa.String(length=200), nullable=False),
    sa.Column('line', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['ledger_checkpoint.id'], name=op.f('fk_ledger_cosignature_checkpoint_id_ledger_checkpoint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_cosignature'))
    )
    with op.batch_alter_table('ledger_cosignature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_cosignature_checkpoint_id'), ['checkpoint_id'], unique=False)

    op.create_table('reopening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_reopening_department_id_department')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_reopening_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reopening'))
    )
    with op.batch_alter_table('reopening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reopening_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('report_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('form_number', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_report_subscription_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_subscription'))
    )
    with op.batch_alter_table('report_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_subscription_department_id'), ['department_id'], unique=False)

    op.create_table('spec',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_number', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('approval_kind', sa.String(length=10), nullable=False),
    sa.Column('approval_number', sa.String(length=100), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('period_type', sa.String(length=20), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('target_level', sa.Integer(), nullable=True),
    sa.Column('target_units', sa.JSON(), nullable=False),
    sa.Column('requires_review', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('gate_report', sa.JSON(), nullable=False),
    sa.Column('office_note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_spec_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spec')),
    sa.UniqueConstraint('form_number', 'version', name=op.f('uq_spec_form_number'))
    )
    with op.batch_alter_table('spec', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spec_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spec_status'), ['status'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], name=op.f('fk_api_token_created_by_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_api_token_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_department_id'), ['department_id'], unique=False)

    op.create_table('data_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('category_option', sa.String(length=32), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['data_element.id'], name=op.f('fk_data_value_element_id_data_element')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_data_value_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_value')),
    sa.UniqueConstraint('org_unit_id', 'period', 'element_id', 'category_option', name=op.f('uq_data_value_org_unit_id'))
    )
    with op.batch_alter_table('data_value', schema=None) as batch_op:
        batch_op.create_index('ix_data_value_element_period', ['element_id', 'period'], unique=False)

    op.create_table('element_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['data_element.id'], name=op.f('fk_element_alias_element_id_data_element'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_element_alias')),
    sa.UniqueConstraint('element_id', 'alias', name=op.f('uq_element_alias_element_id'))
    )
    with op.batch_alter_table('element_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_element_alias_alias'), ['alias'], unique=False)
        batch_op.create_index(batch_op.f('ix_element_alias_element_id'), ['element_id'], unique=False)

    op.create_table('element_category',
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_element_category_category_id_category')),
    sa.ForeignKeyConstraint(['element_id'], ['data_element.id'], name=op.f('fk_element_category_element_id_data_element'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('element_id', 'category_id', name=op.f('pk_element_category'))
    )
    op.create_table('report_built',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('checkpoint_size', sa.BigInteger(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subscription_id'], ['report_subscription.id'], name=op.f('fk_report_built_subscription_id_report_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_built')),
    sa.UniqueConstraint('subscription_id', 'period', name=op.f('uq_report_built_subscription_id'))
    )
    with op.batch_alter_table('report_built', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_built_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('spec_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spec_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('label_zh', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('formula', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('distinct_reason', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['data_element.id'], name=op.f('fk_spec_field_element_id_data_element')),
    sa.ForeignKeyConstraint(['spec_id'], ['spec.id'], name=op.f('fk_spec_field_spec_id_spec'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spec_field')),
    sa.UniqueConstraint('spec_id', 'key', name=op.f('uq_spec_field_spec_id'))
    )
    with op.batch_alter_table('spec_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spec_field_element_id'), ['element_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spec_field_spec_id'), ['spec_id'], unique=False)

    op.create_table('spec_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spec_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('expression', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('message_zh', sa.Text(), nullable=False),
    sa.Column('message_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['spec_id'], ['spec.id'], name=op.f('fk_spec_rule_spec_id_spec'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spec_rule'))
    )
    with op.batch_alter_table('spec_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spec_rule_spec_id'), ['spec_id'], unique=False)

    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=False),
    sa.Column('explanations', sa.JSON(), nullable=False),
    sa.Column('values_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_submission_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['submitted_by'], ['account.id'], name=op.f('fk_submission_submitted_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('org_unit_id', 'period', name=op.f('uq_submission_org_unit_id'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('web_session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_web_session_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_web_session'))
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_account_id'), ['account_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_account_id'))

    op.drop_table('web_session')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_org_unit_id'))

    op.drop_table('submission')
    with op.batch_alter_table('spec_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spec_rule_spec_id'))

    op.drop_table('spec_rule')
    with op.batch_alter_table('spec_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spec_field_spec_id'))
        batch_op.drop_index(batch_op.f('ix_spec_field_element_id'))

    op.drop_table('spec_field')
    with op.batch_alter_table('report_built', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_built_subscription_id'))

    op.drop_table('report_built')
    op.drop_table('element_category')
    with op.batch_alter_table('element_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_element_alias_element_id'))
        batch_op.drop_index(batch_op.f('ix_element_alias_alias'))

    op.drop_table('element_alias')
    with op.batch_alter_table('data_value', schema=None) as batch_op:
        batch_op.drop_index('ix_data_value_element_period')

    op.drop_table('data_value')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_department_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('spec', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spec_status'))
        batch_op.drop_index(batch_op.f('ix_spec_department_id'))

    op.drop_table('spec')
    with op.batch_alter_table('report_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_subscription_department_id'))

    op.drop_table('report_subscription')
    with op.batch_alter_table('reopening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reopening_org_unit_id'))

    op.drop_table('reopening')
    with op.batch_alter_table('ledger_cosignature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_cosignature_checkpoint_id'))

    op.drop_table('ledger_cosignature')
    with op.batch_alter_table('data_element', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_element_owner_department_id'))
        batch_op.drop_index(batch_op.f('ix_data_element_name_zh'))

    op.drop_table('data_element')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_account_department_id'))

    op.drop_table('account')
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_username'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_address'))

    op.drop_table('sign_in_failure')
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_unit_path'))
        batch_op.drop_index(batch_op.f('ix_org_unit_parent_id'))

    op.drop_table('org_unit')
    op.drop_table('ledger_node')
    op.drop_table('ledger_head')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entry_object')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('ledger_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_checkpoint_size'))

    op.drop_table('ledger_checkpoint')
    op.drop_table('department')
    op.drop_table('category')
