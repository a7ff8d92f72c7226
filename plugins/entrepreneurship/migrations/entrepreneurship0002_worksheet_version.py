"""version guarding edits of worksheets

Revision ID: entrepreneurship0002
Revises: entrepreneurship0001
Create Date: 2026-12-04 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'entrepreneurship0002'
down_revision = 'entrepreneurship0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entrepreneurship_worksheet') as batch_op:
        batch_op.add_column(sa.Column(
            'version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('entrepreneurship_worksheet') as batch_op:
        batch_op.drop_column('version')
