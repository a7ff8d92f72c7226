"""Competence profiles, mentor offers, requests, pairings and speed-mentoring rounds."""

from __future__ import annotations

from core.concurrency import Versioned
from core.extensions import db
from core.models.base import Timestamped, utcnow

VISIBILITIES = ("programme", "group", "staff")
PROFILE_FIELDS = ("headline", "bio", "photo", "languages", "competences", "interests",
                  "availability", "goals")
LEVELS = (1, 2, 3, 4)
REQUEST_STATUSES = ("pending", "question", "accepted", "declined", "withdrawn")
OPEN_REQUEST = ("pending", "question")
PAIRING_STATUSES = ("active", "extended", "completed", "closed")
RUNNING = ("active", "extended")


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split("|") if v]


def _join(values: list[str] | tuple[str, ...] | set[str]) -> str:
    """Store a list as ``|a|b|`` so one item can be found with LIKE ``%|a|%``."""
    cleaned = [v.replace("|", "/").strip() for v in values if v and v.strip()]
    return "|" + "|".join(cleaned) + "|" if cleaned else ""


class ListColumn:
    """Python-side list view of a ``|``-delimited text column."""

    def __init__(self, column: str) -> None:
        self.column = column

    def __get__(self, obj, owner=None):  # noqa: ANN001, ANN204
        if obj is None:
            return self
        return _split(getattr(obj, self.column))

    def __set__(self, obj, values) -> None:  # noqa: ANN001
        setattr(obj, self.column, _join(values))


class Competence(db.Model):
    """One entry of a programme's list of competences that profiles refer to."""

    __tablename__ = "matching_competence"
    __table_args__ = (db.UniqueConstraint("programme_id", "name"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    name = db.Column(db.String(120), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)


class Profile(Versioned, db.Model):
    """A programme member's competence profile with a visibility for each field.

    Visibility ``programme``: every member; ``group``: people sharing a mentoring
    group with the owner, and staff; ``staff``: the programme's managers only.
    ``age_confirmed`` is the minimum age the owner confirmed reaching (no birth date
    is stored).
    """

    __tablename__ = "matching_profile"
    __table_args__ = (db.UniqueConstraint("programme_id", "user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    headline = db.Column(db.String(160), nullable=False, default="")
    bio_source = db.Column(db.Text, nullable=False, default="")
    bio_html = db.Column(db.Text, nullable=False, default="")
    photo_id = db.Column(db.ForeignKey("stored_file.id", ondelete="SET NULL"), nullable=True)
    languages_raw = db.Column(db.String(400), nullable=False, default="")
    interests_raw = db.Column(db.String(1000), nullable=False, default="")
    availability_raw = db.Column(db.String(200), nullable=False, default="")
    goals = db.Column(db.Text, nullable=False, default="")
    age_confirmed = db.Column(db.Integer, nullable=True)
    age_confirmed_at = db.Column(db.DateTime, nullable=True)
    vis_headline = db.Column(db.String(16), nullable=False, default="programme")
    vis_bio = db.Column(db.String(16), nullable=False, default="programme")
    vis_photo = db.Column(db.String(16), nullable=False, default="programme")
    vis_languages = db.Column(db.String(16), nullable=False, default="programme")
    vis_competences = db.Column(db.String(16), nullable=False, default="programme")
    vis_interests = db.Column(db.String(16), nullable=False, default="programme")
    vis_availability = db.Column(db.String(16), nullable=False, default="group")
    vis_goals = db.Column(db.String(16), nullable=False, default="programme")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    user = db.relationship("User")
    photo = db.relationship("StoredFile")
    competences = db.relationship("ProfileCompetence", back_populates="profile",
                                  cascade="all, delete-orphan")

    languages = ListColumn("languages_raw")
    interests = ListColumn("interests_raw")
    availability = ListColumn("availability_raw")

    def visibility(self, field: str) -> str:
        """The visibility chosen for one field."""
        return getattr(self, f"vis_{field}")


class ProfileCompetence(db.Model):
    """A competence on a profile with its level (1 basic … 4 expert); ``seeking``
    marks one the owner wants to develop (mentees) rather than offers."""

    __tablename__ = "matching_profile_competence"

    profile_id = db.Column(db.ForeignKey("matching_profile.id", ondelete="CASCADE"),
                           primary_key=True)
    competence_id = db.Column(db.ForeignKey("matching_competence.id", ondelete="CASCADE"),
                              primary_key=True, index=True)
    level = db.Column(db.Integer, nullable=False, default=1)
    seeking = db.Column(db.Boolean, nullable=False, default=False)

    profile = db.relationship("Profile", back_populates="competences")
    competence = db.relationship("Competence")


class Offer(db.Model):
    """A mentor's offer in a programme: the topics they help with and how many
    mentees they take at once."""

    __tablename__ = "matching_offer"
    __table_args__ = (db.UniqueConstraint("programme_id", "mentor_id"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    mentor_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    topics_raw = db.Column(db.String(1000), nullable=False, default="")
    capacity = db.Column(db.Integer, nullable=False, default=2)
    open = db.Column(db.Boolean, nullable=False, default=True)
    note = db.Column(db.Text, nullable=False, default="")
    claims = db.Column(db.Integer, nullable=False, default=0)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    mentor = db.relationship("User")
    topics = ListColumn("topics_raw")


class Request(Timestamped, db.Model):
    """A mentee's request to be mentored by one mentor, with a short motivation."""

    __tablename__ = "matching_request"
    __table_args__ = (db.Index("ix_matching_request_mentor_status", "mentor_id", "status"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    mentor_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    motivation = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="pending")
    decided_at = db.Column(db.DateTime, nullable=True)

    mentee = db.relationship("User", foreign_keys=[mentee_id])
    mentor = db.relationship("User", foreign_keys=[mentor_id])
    notes = db.relationship("RequestNote", back_populates="request", order_by="RequestNote.id",
                            cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        """True while the mentor has not decided and the mentee has not withdrawn."""
        return self.status in OPEN_REQUEST


class RequestNote(Timestamped, db.Model):
    """A message on a request: the mentor's question, the mentee's answer, or the
    mentor's reason for declining."""

    __tablename__ = "matching_request_note"

    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(db.ForeignKey("matching_request.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    kind = db.Column(db.String(16), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")

    request = db.relationship("Request", back_populates="notes")
    author = db.relationship("User")


class Pairing(Timestamped, db.Model):
    """A mentor and a mentee working together for a period, inside a mentoring group.

    ``active`` and ``extended`` pairings are running until ``ends_on``; ``completed``
    (ran its course) and ``closed`` (ended early) keep their shared space readable.
    """

    __tablename__ = "matching_pairing"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    mentor_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="SET NULL"), nullable=True,
                         index=True)
    request_id = db.Column(db.ForeignKey("matching_request.id", ondelete="SET NULL"),
                           nullable=True)
    status = db.Column(db.String(16), nullable=False, default="active")
    starts_on = db.Column(db.Date, nullable=False)
    ends_on = db.Column(db.Date, nullable=True)
    ended_at = db.Column(db.DateTime, nullable=True)

    mentor = db.relationship("User", foreign_keys=[mentor_id])
    mentee = db.relationship("User", foreign_keys=[mentee_id])
    group = db.relationship("MentoringGroup")
    programme = db.relationship("Programme")


class PairingMessage(Timestamped, db.Model):
    """Something a mentor and a mentee shared in their pairing: text and maybe a file."""

    __tablename__ = "matching_pairing_message"
    __table_args__ = (db.Index("ix_matching_pairing_message_pairing", "pairing_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    pairing_id = db.Column(db.ForeignKey("matching_pairing.id", ondelete="CASCADE"),
                           nullable=False)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    file_id = db.Column(db.ForeignKey("stored_file.id", ondelete="SET NULL"), nullable=True)

    author = db.relationship("User")
    file = db.relationship("StoredFile")


class Round(db.Model):
    """The period of a speed-mentoring round activity; one topic per week."""

    __tablename__ = "matching_round"

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    starts_on = db.Column(db.Date, nullable=False)
    weeks = db.Column(db.Integer, nullable=False, default=5)

    activity = db.relationship("Activity")
    week_topics = db.relationship("RoundWeek", order_by="RoundWeek.week",
                                  cascade="all, delete-orphan")


class RoundWeek(db.Model):
    """The suggested discussion topic of one week of a round."""

    __tablename__ = "matching_round_week"

    round_id = db.Column(db.ForeignKey("matching_round.id", ondelete="CASCADE"),
                         primary_key=True)
    week = db.Column(db.Integer, primary_key=True)
    topic = db.Column(db.String(200), nullable=False, default="")
    guidance = db.Column(db.Text, nullable=False, default="")


class RoundPost(Timestamped, db.Model):
    """A post in a round's discussion space; replies point to their thread's first post."""

    __tablename__ = "matching_round_post"
    __table_args__ = (db.Index("ix_matching_round_post_thread", "round_id", "parent_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    round_id = db.Column(db.ForeignKey("matching_round.id", ondelete="CASCADE"),
                         nullable=False)
    parent_id = db.Column(db.ForeignKey("matching_round_post.id", ondelete="CASCADE"),
                          nullable=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    week = db.Column(db.Integer, nullable=True)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")

    author = db.relationship("User")


class Conversation(Timestamped, db.Model):
    """A short one-to-one conversation with a mentor inside a round."""

    __tablename__ = "matching_conversation"
    __table_args__ = (db.UniqueConstraint("round_id", "mentor_id", "starter_id"),)

    id = db.Column(db.Integer, primary_key=True)
    round_id = db.Column(db.ForeignKey("matching_round.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    mentor_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    starter_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    last_message_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    mentor = db.relationship("User", foreign_keys=[mentor_id])
    starter = db.relationship("User", foreign_keys=[starter_id])


class ConversationMessage(Timestamped, db.Model):
    """One message of a one-to-one conversation."""

    __tablename__ = "matching_conversation_message"
    __table_args__ = (db.Index("ix_matching_conversation_message_conv", "conversation_id",
                               "id"),)

    id = db.Column(db.Integer, primary_key=True)
    conversation_id = db.Column(db.ForeignKey("matching_conversation.id", ondelete="CASCADE"),
                                nullable=False)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")

    author = db.relationship("User")


MODELS = [Competence, Profile, ProfileCompetence, Offer, Request, RequestNote, Pairing,
          PairingMessage, Round, RoundWeek, RoundPost, Conversation, ConversationMessage]
