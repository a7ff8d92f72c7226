"""The daily digest: one mail per person and programme listing what they have not read."""

from __future__ import annotations

import logging
from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.mail import send_mail
from core.models import Programme, User
from plugins.messages.models import Broadcast, Delivery, Message, Participant, Preference
from plugins.messages.services.common import email_preferences, link, mail_context

log = logging.getLogger("ementoring.messages")


def _pending_broadcasts() -> dict[tuple[int, int], list[Delivery]]:
    """Unread deliveries waiting for a digest, by (user id, programme id)."""
    rows = db.session.scalars(
        db.select(Delivery).where(Delivery.mail_state == "pending", Delivery.read_at.is_(None))
        .options(joinedload(Delivery.broadcast).joinedload(Broadcast.sender))
        .order_by(Delivery.id)).all()
    found: dict[tuple[int, int], list[Delivery]] = defaultdict(list)
    for d in rows:
        found[(d.user_id, d.programme_id)].append(d)
    return found


def _pending_messages() -> dict[tuple[int, int], list[tuple[Participant, int, int]]]:
    """For people with a daily digest: conversations with unread messages nobody has
    told them about yet, as (participant, count, newest id) by (user id, programme id)."""
    stmt = (
        db.select(Participant, Message.programme_id, db.func.count(Message.id),
                  db.func.max(Message.id))
        .join(Message, Message.conversation_id == Participant.conversation_id)
        .join(Preference, and_(Preference.user_id == Participant.user_id,
                               Preference.programme_id == Message.programme_id))
        .where(Preference.email == "daily", Message.id > Participant.last_read_id,
               Message.id > Participant.notified_id,
               or_(Message.author_id.is_(None), Message.author_id != Participant.user_id))
        .group_by(Participant.conversation_id, Participant.user_id, Message.programme_id)
    )
    found: dict[tuple[int, int], list] = defaultdict(list)
    for participant, programme_id, count, newest in db.session.execute(stmt).all():
        found[(participant.user_id, programme_id)].append((participant, count, newest))
    return found


def _body(user: User, programme: Programme, deliveries: list[Delivery],
          conversations: list[tuple[Participant, int, int]]) -> tuple[str, str]:
    subject = _("[%(programme)s] Your daily summary of messages", programme=programme.title)
    lines = [_("Hello %(name)s,", name=user.name), "",
             _("Here is what is new for you in %(programme)s.", programme=programme.title)]
    if deliveries:
        lines += ["", _("Announcements:")]
        for d in deliveries:
            b = d.broadcast
            sender = b.sender.name if b.sender else _("deleted user")
            lines.append(f"- {b.subject} ({sender}): " + link(
                "messages.announcement", programme_id=programme.id, broadcast_id=b.id))
    if conversations:
        lines += ["", _("Private messages:")]
        for participant, count, _newest in conversations:
            lines.append("- " + ngettext("%(num)d unread message", "%(num)d unread messages",
                                         count) + ": " + link(
                "messages.conversation", programme_id=programme.id,
                conversation_id=participant.conversation_id))
    lines += ["", _("You can change how often we write to you: %(url)s", url=link(
        "messages.preferences", programme_id=programme.id))]
    return subject, "\n".join(lines)


def send_digests() -> int:
    """Send every due digest and return how many mails went out.

    What a digest lists is marked as mailed and committed before the mail is
    sent; if sending fails the marks are undone so the next run retries.
    """
    broadcasts = _pending_broadcasts()
    messages = _pending_messages()
    keys = sorted(set(broadcasts) | set(messages))
    sent = 0
    for user_id, programme_id in keys:
        user = db.session.get(User, user_id)
        programme = db.session.get(Programme, programme_id)
        deliveries = broadcasts.get((user_id, programme_id), [])
        conversations = messages.get((user_id, programme_id), [])
        wanted = email_preferences([user_id], programme_id)[user_id]
        if wanted == "off" or user is None or not user.is_active:
            for d in deliveries:
                d.mail_state = "none"
            db.session.commit()
            continue
        with mail_context(user, programme):
            subject, body = _body(user, programme, deliveries, conversations)
        before = [(p, p.notified_id) for p, _n, _m in conversations]
        for d in deliveries:
            d.mail_state = "sent"
        for participant, _count, newest in conversations:
            participant.notified_id = newest
        db.session.commit()
        try:
            send_mail(user.email, subject, body)
        except Exception:
            log.exception("digest to user %s failed", user_id)
            for d in deliveries:
                d.mail_state = "pending"
            for participant, old in before:
                participant.notified_id = old
            db.session.commit()
            continue
        sent += 1
    return sent
