"""The chat's one table: messages, kept even when removed."""

from __future__ import annotations

from core.extensions import db
from core.models import utcnow


class ChatMessage(db.Model):
    """A message in a chat room: a chat activity, or one group's space in it.

    ``room`` names the space (``a<activity>`` or ``a<activity>g<group>``) so that
    one index serves history, replay and transcripts. ``client_id`` is made by
    the sender's client; with ``room`` and ``author_id`` it is unique, so a
    retried send is stored once. Removed messages keep their text for the
    record; the live chat shows them as removed.
    """

    __tablename__ = "chat_message"
    __table_args__ = (
        db.UniqueConstraint("room", "author_id", "client_id", name="uq_chat_message_client"),
        db.Index("ix_chat_message_room_id", "room", "id"),
        db.Index("ix_chat_message_room_created", "room", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    room = db.Column(db.String(40), nullable=False)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="CASCADE"), nullable=True,
                         index=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    client_id = db.Column(db.String(64), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    removed_at = db.Column(db.DateTime, nullable=True)
    removed_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    author = db.relationship("User", foreign_keys=[author_id])
    removed_by = db.relationship("User", foreign_keys=[removed_by_id])

    @property
    def removed(self) -> bool:
        """True once a mentor or manager removed the message."""
        return self.removed_at is not None


MODELS = [ChatMessage]
