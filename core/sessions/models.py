"""Mentoring sessions, attendance, plan revisions and sent reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.extensions import db
from core.models.base import Timestamped, utcnow

INITIAL_TYPE = "core.initial"


class MentoringSession(Timestamped, db.Model):
    """A meeting of a mentoring group, or of its mentor with one mentee.

    ``type`` names a ``SessionType``; ``plugin`` is the plugin that declared it,
    kept so sessions of a plugin disabled in the programme can be hidden in SQL.
    ``position`` orders the group's session plan. Times are local wall-clock
    times of the programme.
    """

    __tablename__ = "mentoring_session"
    __table_args__ = (db.Index("ix_mentoring_session_group_position", "group_id", "position"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="CASCADE"), nullable=False)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    type = db.Column(db.String(64), nullable=False)
    plugin = db.Column(db.String(64), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    starts_at = db.Column(db.DateTime, nullable=True, index=True)
    duration_minutes = db.Column(db.Integer, nullable=False, default=60)
    mode = db.Column(db.String(16), nullable=False, default="face_to_face")
    location = db.Column(db.String(500), nullable=False, default="")
    agenda_source = db.Column(db.Text, nullable=False, default="")
    agenda_html = db.Column(db.Text, nullable=False, default="")
    notes_source = db.Column(db.Text, nullable=False, default="")
    notes_html = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="planned")
    position = db.Column(db.Integer, nullable=False, default=0)
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    programme = db.relationship("Programme")
    group = db.relationship("MentoringGroup")
    mentee = db.relationship("User", foreign_keys=[mentee_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    attendance = db.relationship(
        "SessionAttendance", back_populates="session", cascade="all, delete-orphan"
    )

    @property
    def ends_at(self) -> datetime | None:
        """When the session ends, from its start and duration."""
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes or 60)

    @property
    def is_link(self) -> bool:
        """True when the place is a web address (an online meeting link)."""
        return self.location.startswith(("https://", "http://"))


class SessionAttendance(db.Model):
    """Whether a group member was present, absent or excused at a held session."""

    __tablename__ = "session_attendance"

    session_id = db.Column(
        db.ForeignKey("mentoring_session.id", ondelete="CASCADE"), primary_key=True
    )
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                        index=True)
    status = db.Column(db.String(16), nullable=False)

    session = db.relationship("MentoringSession", back_populates="attendance")
    user = db.relationship("User")


class SessionPlanRevision(db.Model):
    """A kept version of a group's session plan: a JSON snapshot, who and when."""

    __tablename__ = "session_plan_revision"
    __table_args__ = (db.UniqueConstraint("group_id", "number"),)

    id = db.Column(db.Integer, primary_key=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="CASCADE"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    snapshot = db.Column(db.JSON, nullable=False, default=list)
    note = db.Column(db.String(500), nullable=False, default="")
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                              index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    group = db.relationship("MentoringGroup")
    created_by = db.relationship("User")


class SessionReminder(db.Model):
    """A reminder mail sent to one person for one session at one start time.

    The unique key makes sure a reminder is never sent twice; rescheduling the
    session to another start time makes a new reminder due.
    """

    __tablename__ = "session_reminder"
    __table_args__ = (db.UniqueConstraint("session_id", "user_id", "starts_at"),)

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(
        db.ForeignKey("mentoring_session.id", ondelete="CASCADE"), nullable=False
    )
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    starts_at = db.Column(db.DateTime, nullable=False)
    sent_at = db.Column(db.DateTime, nullable=False, default=utcnow)
