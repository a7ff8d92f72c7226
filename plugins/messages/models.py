"""Private conversations, broadcasts with their deliveries, notification preferences,
blocks, reports and inactivity reminders (nudges)."""

from __future__ import annotations

from core.extensions import db
from core.models import utcnow

EMAIL_CHOICES = ("immediately", "daily", "off")
AUDIENCES = ("programme", "role", "group")
# What happened to a delivery's e-mail: "new" until on_event decides, then "sent",
# "pending" (waiting for the daily digest) or "none" (no mail wanted).
MAIL_STATES = ("new", "sent", "pending", "none")


class Conversation(db.Model):
    """Private messages between members of one programme."""

    __tablename__ = "messages_conversation"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_message_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    participants = db.relationship("plugins.messages.models.Participant",
                                   back_populates="conversation", cascade="all, delete-orphan")


class Participant(db.Model):
    """A person in a conversation and how far they have read (by message id)."""

    __tablename__ = "messages_participant"

    conversation_id = db.Column(db.ForeignKey("messages_conversation.id", ondelete="CASCADE"),
                                primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                        index=True)
    last_read_id = db.Column(db.Integer, nullable=False, default=0)
    # the newest message this person was told about by e-mail
    notified_id = db.Column(db.Integer, nullable=False, default=0)

    conversation = db.relationship(Conversation, back_populates="participants")
    user = db.relationship("User")


class Message(db.Model):
    """One private message, with at most one attached file."""

    __tablename__ = "messages_message"

    id = db.Column(db.Integer, primary_key=True)
    conversation_id = db.Column(db.ForeignKey("messages_conversation.id", ondelete="CASCADE"),
                                nullable=False, index=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    attachment_id = db.Column(db.ForeignKey("stored_file.id", ondelete="SET NULL"),
                              nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    conversation = db.relationship(Conversation)
    author = db.relationship("User")
    attachment = db.relationship("StoredFile")


class Block(db.Model):
    """``blocker`` receives no private messages from ``blocked`` (in any programme)."""

    __tablename__ = "messages_block"
    __table_args__ = (db.UniqueConstraint("blocker_id", "blocked_id"),)

    id = db.Column(db.Integer, primary_key=True)
    blocker_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    blocked_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    blocked = db.relationship("User", foreign_keys=[blocked_id])


class Report(db.Model):
    """A member's report about another member, sent to the programme's managers."""

    __tablename__ = "messages_report"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    reporter_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    reported_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    details = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    reporter = db.relationship("User", foreign_keys=[reporter_id])
    reported = db.relationship("User", foreign_keys=[reported_id])


class Broadcast(db.Model):
    """A message from staff to a whole programme, one role or one mentoring group."""

    __tablename__ = "messages_broadcast"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    sender_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    audience = db.Column(db.String(16), nullable=False)
    role = db.Column(db.String(16), nullable=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="SET NULL"),
                         nullable=True)
    subject = db.Column(db.String(200), nullable=False)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    recipient_count = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    sender = db.relationship("User")
    group = db.relationship("MentoringGroup")


class Delivery(db.Model):
    """A broadcast in one recipient's inbox."""

    __tablename__ = "messages_delivery"
    __table_args__ = (db.UniqueConstraint("broadcast_id", "user_id"),
                      db.Index("ix_messages_delivery_user_programme", "user_id",
                               "programme_id"))

    id = db.Column(db.Integer, primary_key=True)
    broadcast_id = db.Column(db.ForeignKey("messages_broadcast.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False)
    read_at = db.Column(db.DateTime, nullable=True)
    mail_state = db.Column(db.String(8), nullable=False, default="new")

    broadcast = db.relationship(Broadcast)
    user = db.relationship("User")


class Preference(db.Model):
    """How a member wants to hear about messages in one programme by e-mail."""

    __tablename__ = "messages_preference"

    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"),
                             primary_key=True)
    email = db.Column(db.String(16), nullable=False, default="immediately")


class Nudge(db.Model):
    """A friendly reminder sent to a member inactive since ``inactive_since``."""

    __tablename__ = "messages_nudge"
    __table_args__ = (db.UniqueConstraint("programme_id", "user_id", "inactive_since"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    role = db.Column(db.String(16), nullable=False)
    inactive_since = db.Column(db.DateTime, nullable=False)
    days = db.Column(db.Integer, nullable=False)
    sent_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")


MODELS = [Conversation, Participant, Message, Block, Report, Broadcast, Delivery, Preference,
          Nudge]
