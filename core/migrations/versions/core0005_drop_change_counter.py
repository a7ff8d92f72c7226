"""drop the page cache's change counter

Revision ID: core0005
Revises: core0004
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'core0005'
down_revision = 'core0004'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('change_counter')


def downgrade():
    counter = op.create_table(
        'change_counter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(counter, [{'id': 1, 'n': 0}])
