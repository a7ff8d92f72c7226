"""Who reads a journal: its author always, and the learner's mentor when the
learner shares an entry. A learner's mentor is the mentor of a mentoring group
in which the learner is a mentee."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import aliased, contains_eager

from core.extensions import db
from core.models import Activity, GroupMember, MentoringGroup, Section
from plugins.lessons.models import Chapter, JournalEntry, Question


def _pairs(programme_id: int) -> Any:
    mentee = aliased(GroupMember)
    mentor = aliased(GroupMember)
    stmt = (db.select(mentee.user_id, mentor.user_id)
            .join(mentor, mentor.group_id == mentee.group_id)
            .join(MentoringGroup, MentoringGroup.id == mentee.group_id)
            .where(MentoringGroup.programme_id == programme_id, mentee.role == "mentee",
                   mentor.role == "mentor"))
    return stmt, mentee, mentor


def mentor_ids(user_id: int, programme_id: int) -> set[int]:
    """The mentors of a learner in a programme."""
    stmt, mentee, _mentor = _pairs(programme_id)
    return {m for _u, m in db.session.execute(stmt.where(mentee.user_id == user_id)).all()}


def mentee_ids(mentor_id: int, programme_id: int) -> set[int]:
    """The mentees of a mentor in a programme."""
    stmt, _mentee, mentor = _pairs(programme_id)
    return {u for u, _m in db.session.execute(stmt.where(mentor.user_id == mentor_id)).all()}


def may_read(entry: JournalEntry, viewer: Any, programme_id: int) -> bool:
    """True when ``viewer`` may read a journal entry."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if entry.user_id == viewer.id:
        return True
    return entry.shared_with_mentor and viewer.id in mentor_ids(entry.user_id, programme_id)


def own_entries(user_id: int, programme_id: int, activity_id: int | None = None) -> Any:
    """A select of a person's own journal entries in a programme (or one lesson)."""
    stmt = (db.select(JournalEntry).join(Activity, Activity.id == JournalEntry.activity_id)
            .join(Section, Section.id == Activity.section_id)
            .outerjoin(Question, Question.id == JournalEntry.question_id)
            .outerjoin(Chapter, Chapter.id == Question.chapter_id)
            .where(JournalEntry.user_id == user_id, Activity.programme_id == programme_id)
            .options(contains_eager(JournalEntry.question)))
    if activity_id is not None:
        stmt = stmt.where(JournalEntry.activity_id == activity_id)
    # answers to removed questions come after the lesson's current ones
    return stmt.order_by(Section.position, Activity.position, JournalEntry.activity_id,
                         Chapter.id.is_(None), Chapter.position, Question.position,
                         JournalEntry.id)


def shared_with(mentor_id: int, programme_id: int) -> Any:
    """A select of the entries a mentor's mentees share with their mentor."""
    mentees = mentee_ids(mentor_id, programme_id)
    return (db.select(JournalEntry).join(Activity, Activity.id == JournalEntry.activity_id)
            .where(JournalEntry.user_id.in_(mentees or [-1]),
                   JournalEntry.shared_with_mentor.is_(True),
                   Activity.programme_id == programme_id)
            .order_by(JournalEntry.user_id, JournalEntry.updated_at.desc(), JournalEntry.id))
