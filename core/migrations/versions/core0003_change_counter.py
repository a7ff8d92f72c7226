"""change counter for the page cache

Revision ID: core0003
Revises: core0002
Create Date: 2026-11-23 12:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'core0003'
down_revision = 'core0002'
branch_labels = None
depends_on = None


def upgrade():
    counter = op.create_table(
        'change_counter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(counter, [{'id': 1, 'n': 0}])


def downgrade():
    op.drop_table('change_counter')
