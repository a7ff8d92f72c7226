"""indexes reading a group's figures from the event log

Revision ID: core0006
Revises: core0005
Create Date: 2026-12-04 17:20:00

"""
from alembic import op


revision = 'core0006'
down_revision = 'core0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_event_group_name', 'event', ['group_id', 'name'])
    op.create_index('ix_event_group_created', 'event', ['group_id', 'created_at'])


def downgrade():
    op.drop_index('ix_event_group_created', table_name='event')
    op.drop_index('ix_event_group_name', table_name='event')
