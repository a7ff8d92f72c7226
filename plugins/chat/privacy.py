"""What the chat keeps about a person: the messages they wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from core.declarations import UserData
from core.extensions import db
from core.models import Activity
from plugins.chat.models import ChatMessage


def export(user: Any) -> UserData | None:
    """The user's messages with the chat they were written in."""
    rows = db.session.execute(
        db.select(ChatMessage, Activity.title)
        .join(Activity, Activity.id == ChatMessage.activity_id)
        .where(ChatMessage.author_id == user.id)
        .options(joinedload(ChatMessage.removed_by))
        .order_by(ChatMessage.id)
    ).all()
    if not rows:
        return None
    return UserData(plugin="chat", records={"messages": [
        {"chat": title, "group_id": m.group_id, "at": m.created_at.isoformat(), "text": m.body,
         "removed_at": m.removed_at.isoformat() if m.removed_at else None}
        for m, title in rows
    ]})


def erase(user: Any) -> None:
    """Messages stay for the group's record; the core shows their author as
    "deleted user" once the account is erased. Nothing else names the user."""
    return None
