"""E-mail about messages, sent from ``on_event`` once the change is committed."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.mail import send_mail
from core.models import Programme, User
from plugins.messages.models import Broadcast, Delivery, Message, Participant, Report
from plugins.messages.services.common import email_preferences, link, mail_context, managers_of

log = logging.getLogger("ementoring.messages")


def handle(event: Any) -> None:
    """Send what a committed messages event calls for."""
    kind = (event.name, event.object_type)
    if kind == ("message_sent", Message.__tablename__):
        notify_message(event.object_id)
    elif kind == ("broadcast_sent", Broadcast.__tablename__):
        deliver_broadcast(event.object_id)
    elif kind == ("user_reported", Report.__tablename__):
        notify_report(event.object_id)


def _reachable(user: User | None) -> bool:
    return user is not None and user.is_active and bool(user.email)


def notify_message(message_id: int) -> int:
    """Tell the other participants who want mail at once about a new message; one
    mail per unread stretch, not per message. Returns the number of mails."""
    message = db.session.get(Message, message_id)
    if message is None:
        return 0
    programme = db.session.get(Programme, message.programme_id)
    others = db.session.scalars(
        db.select(Participant).where(Participant.conversation_id == message.conversation_id,
                                     Participant.user_id != message.author_id)
        .options(joinedload(Participant.user))).all()
    prefs = email_preferences([p.user_id for p in others], programme.id)
    sent = 0
    for p in others:
        if prefs[p.user_id] != "immediately" or not _reachable(p.user):
            continue
        if p.notified_id > p.last_read_id:  # already told about an unread message
            continue
        with mail_context(p.user, programme):
            author = message.author.name if message.author else _("deleted user")
            subject = _("New message from %(name)s", name=author)
            body = "\n".join([
                _("Hello %(name)s,", name=p.user.name), "",
                _("%(author)s sent you a private message in %(programme)s.",
                  author=author, programme=programme.title), "",
                _("Read and answer it here: %(url)s", url=link(
                    "messages.conversation", programme_id=programme.id,
                    conversation_id=message.conversation_id)),
                "", _("You can change how often we write to you: %(url)s", url=link(
                    "messages.preferences", programme_id=programme.id)),
            ])
        send_mail(p.user.email, subject, body)
        p.notified_id = message.id
        db.session.commit()
        sent += 1
    return sent


def broadcast_mail(broadcast: Broadcast, user: User, programme: Programme) -> tuple[str, str]:
    """Subject and body of a broadcast mail (call inside ``mail_context``)."""
    sender = broadcast.sender.name if broadcast.sender else _("deleted user")
    subject = f"[{programme.title}] {broadcast.subject}"
    body = "\n".join([
        _("Hello %(name)s,", name=user.name), "",
        _("%(sender)s sent this message to %(programme)s:", sender=sender,
          programme=programme.title), "",
        broadcast.body_source, "",
        _("Read it online: %(url)s", url=link("messages.announcement",
                                              programme_id=programme.id,
                                              broadcast_id=broadcast.id)),
        _("You can change how often we write to you: %(url)s", url=link(
            "messages.preferences", programme_id=programme.id)),
    ])
    return subject, body


def deliver_broadcast(broadcast_id: int) -> int:
    """Mail a broadcast to recipients who want it at once and queue it for those who
    want a daily digest. Returns the number of mails sent."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return 0
    programme = db.session.get(Programme, broadcast.programme_id)
    deliveries = db.session.scalars(
        db.select(Delivery).where(Delivery.broadcast_id == broadcast.id,
                                  Delivery.mail_state == "new")
        .options(joinedload(Delivery.user)).order_by(Delivery.id)).all()
    prefs = email_preferences([d.user_id for d in deliveries], programme.id)
    sent = 0
    for d in deliveries:
        wanted = prefs[d.user_id]
        if wanted == "off" or not _reachable(d.user):
            d.mail_state = "none"
        elif wanted == "daily":
            d.mail_state = "pending"
    db.session.commit()
    for d in deliveries:
        if d.mail_state != "new":
            continue
        with mail_context(d.user, programme):
            subject, body = broadcast_mail(broadcast, d.user, programme)
        try:
            send_mail(d.user.email, subject, body)
        except Exception:  # the digest retries it
            log.exception("broadcast %s to user %s failed", broadcast.id, d.user_id)
            d.mail_state = "pending"
        else:
            d.mail_state = "sent"
            sent += 1
        db.session.commit()
    return sent


def notify_report(report_id: int | None) -> int:
    """Mail the programme's managers about a report. Returns the number of mails."""
    report = db.session.get(Report, report_id) if report_id else None
    if report is None:
        return 0
    programme = db.session.get(Programme, report.programme_id)
    sent = 0
    for manager in managers_of(programme.id, exclude=[report.reported_id or 0]):
        if not _reachable(manager):
            continue
        with mail_context(manager, programme):
            reporter = report.reporter.name if report.reporter else _("deleted user")
            reported = report.reported.name if report.reported else _("deleted user")
            subject = _("[%(programme)s] %(reporter)s reported %(reported)s",
                        programme=programme.title, reporter=reporter, reported=reported)
            body = "\n".join([
                _("Hello %(name)s,", name=manager.name), "",
                _("%(reporter)s reported %(reported)s to the managers of %(programme)s:",
                  reporter=reporter, reported=reported, programme=programme.title), "",
                report.details, "",
                _("All reports: %(url)s", url=link("messages.reports",
                                                   programme_id=programme.id)),
            ])
        send_mail(manager.email, subject, body)
        sent += 1
    return sent
