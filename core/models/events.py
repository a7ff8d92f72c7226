"""The event log: what happened, who did it, where."""

from __future__ import annotations

from core.extensions import db
from core.models.base import utcnow


class Event(db.Model):
    """One domain event, written in the same transaction as the change it records."""

    __tablename__ = "event"
    __table_args__ = (
        db.Index("ix_event_programme_created", "programme_id", "created_at"),
        # a group's figures (count of one kind, latest event) without reading its log
        db.Index("ix_event_group_name", "group_id", "name"),
        db.Index("ix_event_group_created", "group_id", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64), nullable=False, index=True)
    actor_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=True)
    group_id = db.Column(
        db.ForeignKey("mentoring_group.id", ondelete="SET NULL"), nullable=True, index=True
    )
    object_type = db.Column(db.String(64), nullable=True)
    object_id = db.Column(db.Integer, nullable=True)
    data = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    actor = db.relationship("User")
