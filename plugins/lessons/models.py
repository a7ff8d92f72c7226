"""Lessons: chapters of markdown pages, images, reflective questions, what each
learner has read and the private journal of their answers."""

from __future__ import annotations

from core.concurrency import Versioned
from core.extensions import db
from core.models import utcnow

TYPE = "lessons.lesson"
TRACKS = ("manager", "mentor", "mentee", "all")


class Lesson(Versioned, db.Model):
    """What a lesson activity adds to the core's activity row: its track, its
    language and, for a translated copy, the lesson it translates.

    ``key`` names the lesson in exported folders so that a translated copy can
    point at its original (``translation_of``) across programmes and sites.
    """

    __tablename__ = "lessons_lesson"

    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    key = db.Column(db.String(80), nullable=False)
    track = db.Column(db.String(16), nullable=False, default="all")
    language = db.Column(db.String(8), nullable=False, default="en")
    translation_of_id = db.Column(
        db.ForeignKey("lessons_lesson.activity_id", ondelete="SET NULL"), nullable=True,
        index=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    activity = db.relationship("Activity")
    translation_of = db.relationship("Lesson", remote_side=[activity_id])

    @property
    def family_id(self) -> int:
        """The id shared by an original lesson and its translated copies."""
        return self.translation_of_id or self.activity_id


class Chapter(Versioned, db.Model):
    """An ordered part of a lesson: pages to read, then questions to reflect on."""

    __tablename__ = "lessons_chapter"

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    title = db.Column(db.String(200), nullable=False)

    pages = db.relationship("Page", back_populates="chapter", order_by="Page.position",
                            cascade="all, delete-orphan", passive_deletes=True)
    questions = db.relationship("Question", back_populates="chapter",
                                order_by="Question.position", cascade="all, delete-orphan",
                                passive_deletes=True)


class Page(Versioned, db.Model):
    """One page of a chapter: markdown source and the HTML rendered when it was saved;
    every save is kept as a ``PageRevision``."""

    __tablename__ = "lessons_page"

    id = db.Column(db.Integer, primary_key=True)
    chapter_id = db.Column(db.ForeignKey("lessons_chapter.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    title = db.Column(db.String(200), nullable=False)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    chapter = db.relationship("Chapter", back_populates="pages")


class PageRevision(db.Model):
    """A kept version of a lesson page: its title and text after a save, who and when."""

    __tablename__ = "lessons_page_revision"
    __table_args__ = (db.UniqueConstraint("page_id", "number"),)

    id = db.Column(db.Integer, primary_key=True)
    page_id = db.Column(db.ForeignKey("lessons_page.id", ondelete="CASCADE"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                              index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    created_by = db.relationship("User")


class Question(Versioned, db.Model):
    """A reflective question at the end of a chapter."""

    __tablename__ = "lessons_question"

    id = db.Column(db.Integer, primary_key=True)
    chapter_id = db.Column(db.ForeignKey("lessons_chapter.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    text = db.Column(db.Text, nullable=False)

    chapter = db.relationship("Chapter", back_populates="questions")


class Image(db.Model):
    """An image of a lesson, referred to by its relative ``name`` in page markdown."""

    __tablename__ = "lessons_image"
    __table_args__ = (db.UniqueConstraint("activity_id", "name"),)

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    name = db.Column(db.String(100), nullable=False)
    file_id = db.Column(db.ForeignKey("stored_file.id", ondelete="CASCADE"), nullable=False,
                        index=True)

    file = db.relationship("StoredFile")


class PageRead(db.Model):
    """A learner finished reading a page (they moved on from it)."""

    __tablename__ = "lessons_read"

    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    page_id = db.Column(db.ForeignKey("lessons_page.id", ondelete="CASCADE"), primary_key=True,
                        index=True)
    read_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class JournalEntry(db.Model):
    """A learner's answer to a reflective question, kept in their private journal.

    The question's text and chapter title are copied so that the journal still
    reads well after the lesson is edited; the entry stays when its question is
    removed (``question_id`` becomes NULL and it no longer counts for progress).
    Only its author reads it, and their mentor when ``shared_with_mentor``.
    """

    __tablename__ = "lessons_journal"
    __table_args__ = (db.UniqueConstraint("user_id", "question_id"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    question_id = db.Column(db.ForeignKey("lessons_question.id", ondelete="SET NULL"),
                            nullable=True, index=True)
    chapter_title = db.Column(db.String(200), nullable=False, default="")
    question_text = db.Column(db.Text, nullable=False, default="")
    answer_source = db.Column(db.Text, nullable=False, default="")
    answer_html = db.Column(db.Text, nullable=False, default="")
    shared_with_mentor = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")
    activity = db.relationship("Activity")
    question = db.relationship("Question")


MODELS = [Lesson, Chapter, Page, PageRevision, Question, Image, PageRead, JournalEntry]
