"""Organisations, programmes, memberships, mentoring groups and plugin activation."""

from __future__ import annotations

from core.concurrency import Versioned
from core.extensions import db
from core.models.base import Timestamped

PROGRAMME_STATUSES = ("draft", "active", "closed")
#: A mentoring group's life cycle. Completed and closed groups are read-only for
#: their mentors and mentees (see ``core.permissions.can``); extended ones go on.
GROUP_STATUSES = ("active", "completed", "extended", "closed")
GROUP_READ_ONLY_STATUSES = frozenset({"completed", "closed"})


class Organisation(Timestamped, db.Model):
    """An NGO, school or employment service that runs programmes."""

    __tablename__ = "organisation"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, unique=True)

    programmes = db.relationship("Programme", back_populates="organisation")


class Programme(Versioned, Timestamped, db.Model):
    """A mentoring programme: the course shell that sections and activities live in."""

    __tablename__ = "programme"

    id = db.Column(db.Integer, primary_key=True)
    organisation_id = db.Column(db.ForeignKey("organisation.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    language = db.Column(db.String(8), nullable=False, default="en")
    starts_on = db.Column(db.Date, nullable=True)
    ends_on = db.Column(db.Date, nullable=True)
    status = db.Column(db.String(16), nullable=False, default="active")
    settings = db.Column(db.JSON, nullable=False, default=dict)

    organisation = db.relationship("Organisation", back_populates="programmes")
    sections = db.relationship(
        "Section", back_populates="programme", order_by="Section.position",
        cascade="all, delete-orphan",
    )


class Membership(Timestamped, db.Model):
    """A user's role in a programme: manager, mentor or mentee."""

    __tablename__ = "membership"
    __table_args__ = (db.UniqueConstraint("user_id", "programme_id"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role = db.Column(db.String(16), nullable=False)

    user = db.relationship("User")
    programme = db.relationship("Programme")


class MentoringGroup(Timestamped, db.Model):
    """A mentor with one or more mentees inside a programme."""

    __tablename__ = "mentoring_group"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name = db.Column(db.String(120), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="active", server_default="active")

    programme = db.relationship("Programme")
    members = db.relationship(
        "GroupMember", back_populates="group", cascade="all, delete-orphan"
    )

    @property
    def read_only(self) -> bool:
        """True once the group is completed or closed: members may read, not write."""
        return self.status in GROUP_READ_ONLY_STATUSES


class GroupMember(db.Model):
    """A user's place in a mentoring group, with their role there."""

    __tablename__ = "group_member"

    group_id = db.Column(
        db.ForeignKey("mentoring_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    role = db.Column(db.String(16), nullable=False)

    group = db.relationship("MentoringGroup", back_populates="members")
    user = db.relationship("User")


class ProgrammePlugin(db.Model):
    """Whether an installed plugin is enabled in a programme (no row: enabled)."""

    __tablename__ = "programme_plugin"

    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    plugin = db.Column(db.String(64), primary_key=True)
    enabled = db.Column(db.Boolean, nullable=False, default=True)
