"""version guarding edits of library templates

Revision ID: documents0002
Revises: documents0001
Create Date: 2026-12-04 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'documents0002'
down_revision = 'documents0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents_template') as batch_op:
        batch_op.add_column(sa.Column(
            'version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('documents_template') as batch_op:
        batch_op.drop_column('version')
