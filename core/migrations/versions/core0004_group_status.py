"""mentoring group life cycle status

Revision ID: core0004
Revises: core0003
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'core0004'
down_revision = 'core0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentoring_group') as batch_op:
        batch_op.add_column(sa.Column(
            'status', sa.String(length=16), nullable=False, server_default='active'))


def downgrade():
    with op.batch_alter_table('mentoring_group') as batch_op:
        batch_op.drop_column('status')
