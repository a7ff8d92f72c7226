"""version guarding edits of worksheets

Revision ID: employability0002
Revises: employability0001
Create Date: 2026-12-04 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'employability0002'
down_revision = 'employability0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employability_worksheet') as batch_op:
        batch_op.add_column(sa.Column(
            'version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('employability_worksheet') as batch_op:
        batch_op.drop_column('version')
