"""lesson page revisions; versions guarding edits of lessons, chapters, pages, questions

Revision ID: lessons0002
Revises: lessons0001
Create Date: 2026-12-04 17:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'lessons0002'
down_revision = 'lessons0001'
branch_labels = None
depends_on = None

VERSIONED = ('lessons_lesson', 'lessons_chapter', 'lessons_page', 'lessons_question')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(
                'version', sa.Integer(), nullable=False, server_default='1'))
    op.create_table('lessons_page_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_lessons_page_revision_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['lessons_page.id'], name=op.f('fk_lessons_page_revision_page_id_lessons_page'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons_page_revision')),
    sa.UniqueConstraint('page_id', 'number', name=op.f('uq_lessons_page_revision_page_id'))
    )
    with op.batch_alter_table('lessons_page_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lessons_page_revision_created_by_id'), ['created_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lessons_page_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lessons_page_revision_created_by_id'))
    op.drop_table('lessons_page_revision')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
