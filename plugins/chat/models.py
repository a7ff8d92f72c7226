"""The chat's tables: messages, kept even when removed, and each room's counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text

from core.extensions import db
from core.models import utcnow

# one statement on SQLite and PostgreSQL alike: the room's row is created or bumped,
# and stays locked until the message's transaction ends
_NEXT_SEQ = text(
    "INSERT INTO chat_room_counter (room, last_seq) VALUES (:room, 1) "
    "ON CONFLICT (room) DO UPDATE SET last_seq = chat_room_counter.last_seq + 1 "
    "RETURNING last_seq")


class ChatMessage(db.Model):
    """A message in a chat room: a chat activity, or one group's space in it.

    ``room`` names the space (``a<activity>`` or ``a<activity>g<group>``) so that
    one index serves history, replay and transcripts. ``client_id`` is made by
    the sender's client; with ``room`` and ``author_id`` it is unique, so a
    retried send is stored once. ``seq`` numbers a room's messages 1, 2, 3… in
    the order they were committed, with no holes: a client that holds 1…n asks
    for what follows n and sees at once when something is missing. Removed
    messages keep their text for the record; the live chat shows them as removed.
    """

    __tablename__ = "chat_message"
    __table_args__ = (
        db.UniqueConstraint("room", "author_id", "client_id", name="uq_chat_message_client"),
        db.UniqueConstraint("room", "seq", name="uq_chat_message_room_seq"),
        db.Index("ix_chat_message_room_id", "room", "id"),
        db.Index("ix_chat_message_room_created", "room", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    room = db.Column(db.String(40), nullable=False)
    seq = db.Column(db.Integer, nullable=False)
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


class ChatRoomCounter(db.Model):
    """The last ``seq`` given out in one room: one row per room, never a global one,
    so senders wait for each other only within the same room."""

    __tablename__ = "chat_room_counter"

    room = db.Column(db.String(40), primary_key=True)
    last_seq = db.Column(db.Integer, nullable=False)


@event.listens_for(ChatMessage, "before_insert")
def _number(_mapper: Any, connection: Any, message: ChatMessage) -> None:
    """Give a new message the next number of its room, in its own transaction."""
    if message.seq is None:
        message.seq = connection.execute(_NEXT_SEQ, {"room": message.room}).scalar_one()


MODELS = [ChatMessage, ChatRoomCounter]
