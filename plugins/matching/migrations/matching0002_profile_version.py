"""version guarding edits of matching profiles

Revision ID: matching0002
Revises: matching0001
Create Date: 2026-12-04 17:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'matching0002'
down_revision = 'matching0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matching_profile') as batch_op:
        batch_op.add_column(sa.Column(
            'version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('matching_profile') as batch_op:
        batch_op.drop_column('version')
