"""versions guarding edits of diaries and monitoring reports

Revision ID: monitoring0002
Revises: monitoring0001
Create Date: 2026-12-04 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'monitoring0002'
down_revision = 'monitoring0001'
branch_labels = None
depends_on = None

VERSIONED = ('monitoring_diary', 'monitoring_report')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(
                'version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
