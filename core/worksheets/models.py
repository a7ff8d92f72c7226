"""Columns every plugin's worksheet and comment tables share (as mixins).

A plugin declares two small models with its own table names, e.g.::

    class EmployabilityWorksheet(WorksheetRecord, db.Model):
        __tablename__ = "employability_worksheet"
        comments = db.relationship("EmployabilityWorksheetComment", ...)
"""

from __future__ import annotations

from sqlalchemy.orm import declared_attr

from core.extensions import db
from core.models.base import Timestamped, utcnow


class WorksheetRecord(Timestamped):
    """A mentee's answers to one worksheet (``schema`` names it), kept as JSON,
    for a session of their group or for the group alone."""

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    session_id = db.Column(db.ForeignKey("mentoring_session.id", ondelete="SET NULL"),
                           nullable=True, index=True)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    schema = db.Column(db.String(64), nullable=False)
    data = db.Column(db.JSON, nullable=False, default=dict)
    status = db.Column(db.String(16), nullable=False, default="draft")
    submitted_at = db.Column(db.DateTime, nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @declared_attr
    def mentee(cls):  # noqa: ANN201, N805
        return db.relationship("User", foreign_keys=lambda: [cls.mentee_id])

    @declared_attr
    def group(cls):  # noqa: ANN201, N805
        return db.relationship("MentoringGroup", foreign_keys=lambda: [cls.group_id])

    @declared_attr
    def session(cls):  # noqa: ANN201, N805
        return db.relationship("MentoringSession", foreign_keys=lambda: [cls.session_id])


class WorksheetCommentRecord(Timestamped):
    """The mentor's comment on a worksheet, on one of its fields (``field``) or on
    the whole (``field`` empty); markdown stored with its rendered HTML. The
    plugin adds ``worksheet_id`` pointing at its worksheet table."""

    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    field = db.Column(db.String(64), nullable=False, default="")
    body_source = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=False)

    @declared_attr
    def author(cls):  # noqa: ANN201, N805
        return db.relationship("User", foreign_keys=lambda: [cls.author_id])
