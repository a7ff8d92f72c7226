"""Course sections and the activities inside them."""

from __future__ import annotations

from core.concurrency import Versioned
from core.extensions import db
from core.models.base import Timestamped

GROUP_MODES = ("shared", "separate")


class Section(Versioned, Timestamped, db.Model):
    """An ordered part of a programme's course page."""

    __tablename__ = "section"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = db.Column(db.String(200), nullable=False)
    summary_source = db.Column(db.Text, nullable=False, default="")
    summary_html = db.Column(db.Text, nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)
    visible = db.Column(db.Boolean, nullable=False, default=True)

    programme = db.relationship("Programme", back_populates="sections")
    activities = db.relationship(
        "Activity", back_populates="section", order_by="Activity.position",
        cascade="all, delete-orphan",
    )


class Activity(Versioned, Timestamped, db.Model):
    """An instance of a plugin's activity type placed in a section."""

    __tablename__ = "activity"

    id = db.Column(db.Integer, primary_key=True)
    section_id = db.Column(db.ForeignKey("section.id", ondelete="CASCADE"), nullable=False)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    type = db.Column(db.String(64), nullable=False)
    plugin = db.Column(db.String(64), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    description_source = db.Column(db.Text, nullable=False, default="")
    description_html = db.Column(db.Text, nullable=False, default="")
    group_mode = db.Column(db.String(16), nullable=False, default="shared")
    position = db.Column(db.Integer, nullable=False, default=0)
    visible = db.Column(db.Boolean, nullable=False, default=True)
    settings = db.Column(db.JSON, nullable=False, default=dict)

    section = db.relationship("Section", back_populates="activities")
    programme = db.relationship("Programme")

    @property
    def separate(self) -> bool:
        """True when each mentoring group has its own space in this activity."""
        return self.group_mode == "separate"
