"""Private conversations: starting them, posting, reading, unread counts and blocks."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select

from core import storage
from core.events import emit
from core.extensions import db
from core.models import Membership, Programme, User, utcnow
from core.text import render_markdown
from plugins.messages.models import Block, Conversation, Delivery, Message, Participant
from plugins.messages.services.common import PLUGIN


class MessageRefused(Exception):
    """A message that may not be sent; ``str(err)`` is a translated reason."""


def conversation_or_404(programme_id: int, conversation_id: int, user: Any) -> Conversation:
    """The conversation if it belongs to the programme and ``user`` takes part; else 404."""
    conv = db.session.get(Conversation, conversation_id)
    if conv is None or conv.programme_id != programme_id:
        abort(404)
    if not any(p.user_id == user.id for p in conv.participants):
        abort(404)
    return conv


def find_pair(programme_id: int, user_id: int, other_id: int) -> Conversation | None:
    """The existing two-person conversation of these users in the programme."""
    mine = select(Participant.conversation_id).where(Participant.user_id == user_id)
    theirs = select(Participant.conversation_id).where(Participant.user_id == other_id)
    return db.session.scalar(
        db.select(Conversation).where(
            Conversation.programme_id == programme_id, Conversation.id.in_(mine),
            Conversation.id.in_(theirs)).order_by(Conversation.id).limit(1))


def membership_reason(programme_id: int, author: Any, others: list[Any]) -> str | None:
    """Why the message may not be sent because someone is not (or no longer) a member
    of the programme, or None."""
    members = set(db.session.scalars(db.select(Membership.user_id).where(
        Membership.programme_id == programme_id,
        Membership.user_id.in_([author.id] + [u.id for u in others]))))
    if author.id not in members:
        return _("Only members of this programme can send private messages here.")
    for user in others:
        if user.id not in members:
            return _("%(name)s is no longer a member of this programme. Your message was not "
                     "sent.", name=user.name)
    return None


def blocked_reason(author: Any, others: list[Any]) -> str | None:
    """Why ``author`` may not write to ``others`` because of a block, or None."""
    ids = [u.id for u in others]
    rows = db.session.execute(
        db.select(Block.blocker_id, Block.blocked_id).where(or_(
            and_(Block.blocked_id == author.id, Block.blocker_id.in_(ids)),
            and_(Block.blocker_id == author.id, Block.blocked_id.in_(ids))))
    ).all()
    names = {u.id: u.name for u in others}
    for blocker, blocked in rows:
        if blocked == author.id:
            return _("%(name)s does not accept messages from you. Your message was not sent.",
                     name=names[blocker])
    if rows:
        return _("You have blocked %(name)s. Unblock them in your message settings to write "
                 "to them.", name=names[rows[0][1]])
    return None


def post_message(conv: Conversation | None, programme_id: int, author: Any, body: str,
                 upload: Any = None, recipient: Any = None) -> Message:
    """Save a message in ``conv`` (or a new conversation with ``recipient``) and commit.

    Raises ``MessageRefused`` when a block stands between the people, and
    ``storage.UploadError`` for a refused attachment; nothing is saved then.
    """
    others = ([p.user for p in conv.participants if p.user_id != author.id] if conv
              else [recipient])
    reason = membership_reason(programme_id, author, others) or blocked_reason(author, others)
    if reason:
        raise MessageRefused(reason)
    stored = None
    if upload is not None and getattr(upload, "filename", None):
        stored = storage.save_upload(upload, plugin=PLUGIN, programme=programme_id, user=author)
    try:
        now = utcnow()
        if conv is None:
            conv = Conversation(programme_id=programme_id, created_by_id=author.id,
                                created_at=now, last_message_at=now)
            conv.participants = [Participant(user_id=author.id),
                                 Participant(user_id=recipient.id)]
            db.session.add(conv)
        conv.last_message_at = now
        message = Message(conversation=conv, programme_id=programme_id, author_id=author.id,
                          body_source=body, body_html=render_markdown(body),
                          attachment=stored, created_at=now)
        db.session.add(message)
        db.session.flush()
        for p in conv.participants:
            if p.user_id == author.id:
                p.last_read_id = message.id
        emit("message_sent", actor=author, programme=programme_id, obj=message,
             data={"conversation_id": conv.id})
        db.session.commit()
    except Exception:
        db.session.rollback()
        if stored is not None:
            storage.discard([stored])
        raise
    return message


def mark_read(conv: Conversation, user: Any) -> None:
    """Record that ``user`` has read every message of the conversation."""
    newest = db.session.scalar(
        db.select(db.func.max(Message.id)).where(Message.conversation_id == conv.id)) or 0
    mine = next(p for p in conv.participants if p.user_id == user.id)
    if mine.last_read_id < newest:
        mine.last_read_id = newest
        db.session.commit()


def _unread_messages(user_id: Any) -> Any:
    """Messages by others after the user's read mark, joined to their participation
    (``user_id`` is an id or a bound parameter)."""
    return (
        db.select(db.func.count(Message.id))
        .join(Participant, and_(Participant.conversation_id == Message.conversation_id,
                                Participant.user_id == user_id))
        .where(Message.id > Participant.last_read_id,
               or_(Message.author_id.is_(None), Message.author_id != user_id))
    )


def unread_by_conversation(user_id: int, conversation_ids: list[int]) -> dict[int, int]:
    """Unread message counts of the user for the given conversations (one query)."""
    if not conversation_ids:
        return {}
    stmt = (_unread_messages(user_id).add_columns(Message.conversation_id)
            .where(Message.conversation_id.in_(conversation_ids))
            .group_by(Message.conversation_id))
    return {cid: n for n, cid in db.session.execute(stmt).all()}


@cache
def _unread_totals_statement() -> Any:
    """Unread messages plus unread broadcasts of one user per programme (``pids``);
    built once, as building the statement costs more than running it.

    Messages are found from the user's participations in each programme's
    conversations (a message belongs to its conversation's programme), so the cost
    follows the user's conversations and unread messages, not the programme's."""
    uid = bindparam("uid")
    messages = (_unread_messages(uid)
                .join(Conversation, Conversation.id == Participant.conversation_id)
                .where(Conversation.programme_id == Programme.id).correlate(Programme))
    broadcasts = db.select(db.func.count(Delivery.id)).where(
        Delivery.user_id == uid, Delivery.programme_id == Programme.id,
        Delivery.read_at.is_(None)).correlate(Programme)
    return db.select(Programme.id, messages.scalar_subquery() + broadcasts.scalar_subquery()
                     ).where(Programme.id.in_(bindparam("pids", expanding=True)))


def unread_total(user_id: int, programme_id: int) -> int:
    """Unread private messages plus unread broadcasts of the user in a programme,
    in one query."""
    return unread_totals(user_id, [programme_id]).get(programme_id, 0)


def unread_totals(user_id: int, programme_ids: list[int]) -> dict[int, int]:
    """``unread_total`` of several programmes, in one query."""
    rows = db.session.execute(_unread_totals_statement(),
                              {"uid": user_id, "pids": programme_ids or [-1]})
    return {pid: n or 0 for pid, n in rows}


def block(blocker: Any, blocked: User) -> bool:
    """Block ``blocked`` for ``blocker``; False when it was blocked already."""
    exists = db.session.scalar(db.select(Block.id).where(
        Block.blocker_id == blocker.id, Block.blocked_id == blocked.id))
    if exists:
        return False
    db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked.id))
    db.session.commit()
    return True


def unblock(blocker: Any, blocked_id: int) -> bool:
    """Lift a block; False when there was none."""
    result = db.session.execute(db.delete(Block).where(
        Block.blocker_id == blocker.id, Block.blocked_id == blocked_id))
    db.session.commit()
    return bool(result.rowcount)


def blocked_users(user: Any) -> list[Block]:
    """The blocks ``user`` has made, with the blocked people."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        db.select(Block).where(Block.blocker_id == user.id)
        .options(joinedload(Block.blocked)).order_by(Block.created_at)))
