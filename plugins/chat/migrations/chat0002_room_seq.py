"""chat: per-room sequence numbers

Revision ID: chat0002
Revises: chat0001
Create Date: 2026-12-04 17:00:00

Numbers every stored message 1, 2, 3… within its room (in id order, which is
the order they were stored) and records each room's last number.
"""
from alembic import op
import sqlalchemy as sa


revision = 'chat0002'
down_revision = 'chat0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat_room_counter',
    sa.Column('room', sa.String(length=40), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('room', name=op.f('pk_chat_room_counter'))
    )
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    op.execute("UPDATE chat_message SET seq = (SELECT COUNT(*) FROM chat_message AS m "
               "WHERE m.room = chat_message.room AND m.id <= chat_message.id)")
    op.execute("INSERT INTO chat_room_counter (room, last_seq) "
               "SELECT room, MAX(seq) FROM chat_message GROUP BY room")
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_chat_message_room_seq', ['room', 'seq'])


def downgrade():
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.drop_constraint('uq_chat_message_room_seq', type_='unique')
        batch_op.drop_column('seq')
    op.drop_table('chat_room_counter')
