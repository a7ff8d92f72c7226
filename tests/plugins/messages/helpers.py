"""Helpers for the messages tests: sending through the real pages, counting rows."""

from __future__ import annotations

import io
from typing import Any

from core.extensions import db


def write(client: Any, programme: Any, to: Any, body: str = "Hello there",
          file: tuple[bytes, str] | None = None) -> Any:
    """Start (or continue) a conversation through the "write a message" page."""
    data: dict[str, Any] = {"recipient": str(getattr(to, "id", to)), "body": body}
    if file:
        data["attachment"] = (io.BytesIO(file[0]), file[1])
    return client.post(f"/messages/p/{programme.id}/new", data=data,
                       content_type="multipart/form-data")


def reply(client: Any, programme_id: int, conversation_id: int, body: str = "A reply",
          file: tuple[bytes, str] | None = None) -> Any:
    """Answer in a conversation through its page."""
    data: dict[str, Any] = {"body": body}
    if file:
        data["attachment"] = (io.BytesIO(file[0]), file[1])
    return client.post(f"/messages/p/{programme_id}/c/{conversation_id}", data=data,
                       content_type="multipart/form-data")


def count(model: type) -> int:
    """Rows of a model."""
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def recipients(smtp: Any) -> list[str]:
    """Every envelope recipient of the mails received, sorted."""
    return sorted(r for m in smtp.messages for r in m.envelope_rcpt)
