"""versions guarding edits (optimistic locking): sessions, course, programme settings

Revision ID: core0007
Revises: core0006
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'core0007'
down_revision = 'core0006'
branch_labels = None
depends_on = None

VERSIONED = ('mentoring_session', 'section', 'activity', 'programme')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(
                'version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
