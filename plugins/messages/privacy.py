"""What the messages plugin exports and erases for a user."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from plugins.messages.models import (
    Block,
    Broadcast,
    Delivery,
    Message,
    Nudge,
    Participant,
    Preference,
    Report,
)


def export(user: Any) -> tuple[dict[str, Any], list[Any]]:
    """The user's messages, broadcasts, settings, blocks, reports and reminders, and
    the files they attached."""
    q = db.session.scalars
    messages = q(db.select(Message).where(Message.author_id == user.id)
                 .order_by(Message.id)).all()
    records = {
        "messages_sent": [{"conversation_id": m.conversation_id, "programme_id": m.programme_id,
                           "text": m.body_source, "at": m.created_at.isoformat(),
                           "attachment": m.attachment.original_name if m.attachment else None}
                          for m in messages],
        "conversations": sorted(q(db.select(Participant.conversation_id)
                                  .where(Participant.user_id == user.id))),
        "broadcasts_sent": [{"programme_id": b.programme_id, "subject": b.subject,
                             "text": b.body_source, "at": b.created_at.isoformat()}
                            for b in q(db.select(Broadcast).where(Broadcast.sender_id == user.id))],
        "broadcasts_received": [{"broadcast_id": d.broadcast_id,
                                 "read_at": d.read_at.isoformat() if d.read_at else None}
                                for d in q(db.select(Delivery).where(Delivery.user_id == user.id))],
        "email_preferences": [{"programme_id": p.programme_id, "email": p.email}
                              for p in q(db.select(Preference)
                                         .where(Preference.user_id == user.id))],
        "blocked": [b.blocked_id for b in q(db.select(Block).where(Block.blocker_id == user.id))],
        "reports_made": [{"programme_id": r.programme_id, "reported_id": r.reported_id,
                          "details": r.details, "at": r.created_at.isoformat()}
                         for r in q(db.select(Report).where(Report.reporter_id == user.id))],
        "reminders_received": [{"programme_id": n.programme_id, "sent_at": n.sent_at.isoformat()}
                               for n in q(db.select(Nudge).where(Nudge.user_id == user.id))],
    }
    files = [m.attachment for m in messages if m.attachment is not None]
    return records, files


def erase(user: Any) -> None:
    """Remove the user's settings, blocks, inbox copies and reminders. Messages and
    broadcasts stay for the people who received them, shown as from "deleted user";
    reports stay for the managers without naming who made them."""
    for model, column in ((Preference, Preference.user_id), (Delivery, Delivery.user_id),
                          (Nudge, Nudge.user_id)):
        db.session.execute(db.delete(model).where(column == user.id))
    db.session.execute(db.delete(Block).where(
        (Block.blocker_id == user.id) | (Block.blocked_id == user.id)))
    db.session.execute(db.update(Report).where(Report.reporter_id == user.id)
                       .values(reporter_id=None))
