"""Storing, listing and removing chat messages: the rules every way in shares
(Socket.IO events and the no-JavaScript form)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core.events import emit
from core.extensions import db
from core.models import utcnow
from plugins.chat import throttle
from plugins.chat.models import ChatMessage
from plugins.chat.rooms import Room

MAX_LENGTH = 2000
HISTORY_SIZE = 50
SYNC_LIMIT = 200
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# control characters except tab and newline, and bidirectional overrides that
# could make a message display as something else
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class ChatError(Exception):
    """A refused message, with a code for the client and a sentence for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean_body(text: Any) -> str:
    """Plain text ready to store: normalised, without control characters, trimmed;
    raises ``ChatError`` when empty or too long. Output is escaped where shown."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise ChatError("empty", _("Write a message first."))
    if len(text) > MAX_LENGTH:
        raise ChatError("too_long", _("A message can have at most %(n)d characters; this one "
                                      "has %(m)d.", n=MAX_LENGTH, m=len(text)))
    return text


def _by_client_id(room: Room, author_id: int, client_id: str) -> ChatMessage | None:
    return db.session.execute(
        db.select(ChatMessage).where(ChatMessage.room == room.key,
                                     ChatMessage.author_id == author_id,
                                     ChatMessage.client_id == client_id)
    ).scalar_one_or_none()


def post_message(room: Room, user: Any, body: Any, client_id: Any) -> tuple[ChatMessage, bool]:
    """Store a message (committed) and return it with True; a retry with the same
    ``client_id`` returns the stored one with False. Raises ``ChatError``."""
    client_id = str(client_id or "")
    if not CLIENT_ID.match(client_id):
        raise ChatError("bad_request", _("The message could not be read. Reload the page."))
    existing = _by_client_id(room, user.id, client_id)
    if existing is not None:
        return existing, False
    text = clean_body(body)
    wait = throttle.hit(user.id)
    if wait is not None:
        raise ChatError("rate_limited", _("You are sending messages too fast. Wait %(s)d "
                                          "seconds, then send again.", s=wait))
    message = ChatMessage(room=room.key, activity_id=room.activity.id, group_id=room.group_id,
                          author_id=user.id, client_id=client_id, body=text)
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:  # the same send arrived twice at once
        db.session.rollback()
        existing = _by_client_id(room, user.id, client_id)
        if existing is None:
            raise
        return existing, False
    emit("chat_message_sent", actor=user, programme=room.programme_id, group=room.group_id,
         obj=message, data={"activity_id": room.activity.id})
    db.session.commit()
    return message, True


def remove_message(room: Room, message_id: Any, user: Any) -> ChatMessage | None:
    """Mark a message of ``room`` as removed by ``user`` (kept for the record);
    None when there is no such message in the room."""
    try:
        message = db.session.get(ChatMessage, int(message_id))
    except (TypeError, ValueError):
        return None
    if message is None or message.room != room.key:
        return None
    if message.removed_at is None:
        message.removed_at = utcnow()
        message.removed_by_id = user.id
        emit("chat_message_removed", actor=user, programme=room.programme_id,
             group=room.group_id, obj=message, data={"activity_id": room.activity.id})
        db.session.commit()
    return message


def _messages(room: Room) -> Any:
    return (db.select(ChatMessage).where(ChatMessage.room == room.key)
            .options(joinedload(ChatMessage.author)))


def history(room: Room, before: Any = None, limit: int = HISTORY_SIZE
            ) -> tuple[list[ChatMessage], bool]:
    """Up to ``limit`` messages before the id ``before`` (default: the newest),
    oldest first, and whether there are older ones."""
    stmt = _messages(room)
    if before is not None:
        stmt = stmt.where(ChatMessage.id < int(before))
    rows = list(db.session.execute(stmt.order_by(ChatMessage.seq.desc()).limit(limit + 1))
                .scalars())
    return list(reversed(rows[:limit])), len(rows) > limit


def since(room: Room, after: Any = None, limit: int = SYNC_LIMIT, after_seq: Any = None
          ) -> tuple[list[ChatMessage], bool]:
    """Messages after the room's number ``after_seq`` (or, from older clients, after
    the id ``after``) in order, and whether more follow. With neither these are the
    latest messages, as on joining."""
    if after_seq is not None:
        stmt = _messages(room).where(ChatMessage.seq > int(after_seq))
    elif after not in (None, "", 0):
        stmt = _messages(room).where(ChatMessage.id > int(after))
    else:
        return history(room)
    rows = list(db.session.execute(stmt.order_by(ChatMessage.seq).limit(limit + 1)).scalars())
    return rows[:limit], len(rows) > limit


def removed_since(room: Room, moment: datetime | None) -> list[int]:
    """Ids of the room's messages removed at or after ``moment`` (none without it)."""
    if moment is None:
        return []
    return list(db.session.execute(
        db.select(ChatMessage.id).where(ChatMessage.room == room.key,
                                        ChatMessage.removed_at >= moment)
        .order_by(ChatMessage.id)
    ).scalars())


def sync_moment() -> str:
    """The moment a client asks for removals after, next time: a little before now,
    so that a removal committing meanwhile is sent again rather than missed."""
    return (utcnow() - timedelta(seconds=5)).isoformat(timespec="seconds") + "Z"


def parse_moment(value: Any) -> datetime | None:
    """A moment a client got from ``sync`` (ISO 8601, UTC), or None."""
    try:
        return datetime.fromisoformat(str(value).removesuffix("Z"))
    except ValueError:
        return None


def as_dict(message: ChatMessage) -> dict[str, Any]:
    """A message as the live chat sends it; removed messages carry no text."""
    author = message.author
    return {
        "id": message.id,
        "seq": message.seq,
        "client_id": message.client_id,
        "author": {"id": message.author_id, "name": author.name if author else _("deleted user")},
        "body": "" if message.removed else message.body,
        "at": message.created_at.isoformat(timespec="seconds") + "Z",
        "removed": message.removed,
    }


def days(room: Room) -> list[tuple[date, int]]:
    """Days (UTC) on which the room has messages, newest first, with their counts."""
    day = db.func.date(ChatMessage.created_at)
    rows = db.session.execute(
        db.select(day, db.func.count(ChatMessage.id)).where(ChatMessage.room == room.key)
        .group_by(day).order_by(day.desc())
    ).all()
    return [(d if isinstance(d, date) else date.fromisoformat(str(d)), n) for d, n in rows]


def day_messages(room: Room, day: date) -> list[ChatMessage]:
    """Every message of one day (UTC) in order, with authors and removers loaded."""
    start = datetime.combine(day, datetime.min.time())
    return list(db.session.execute(
        db.select(ChatMessage)
        .where(ChatMessage.room == room.key, ChatMessage.created_at >= start,
               ChatMessage.created_at < start + timedelta(days=1))
        .options(joinedload(ChatMessage.author), joinedload(ChatMessage.removed_by))
        .order_by(ChatMessage.seq)
    ).scalars())
