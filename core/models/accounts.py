"""User accounts, login throttling and invitations."""

from __future__ import annotations

import secrets

from flask_login import UserMixin

from core.extensions import db
from core.models.base import Timestamped, utcnow


def new_token() -> str:
    """Return a fresh random token suitable for URLs and session markers."""
    return secrets.token_urlsafe(24)


class User(UserMixin, Timestamped, db.Model):
    """A person with an account on this site."""

    __tablename__ = "user"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    display_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=True)
    language = db.Column(db.String(8), nullable=True)
    theme = db.Column(db.String(32), nullable=True)
    is_site_admin = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    erased = db.Column(db.Boolean, nullable=False, default=False)
    session_token = db.Column(db.String(64), nullable=False, default=new_token)
    feed_token = db.Column(db.String(64), nullable=False, default=new_token)
    last_seen_at = db.Column(db.DateTime, nullable=True)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active) and not self.erased

    def get_id(self) -> str:
        """Identify the user together with the session token, so a password change
        (which renews the token) ends every other session."""
        return f"{self.id}:{self.session_token}"

    @property
    def name(self) -> str:
        """The name to show; erased users appear as "deleted user"."""
        if self.erased:
            from flask_babel import gettext

            return gettext("deleted user")
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginThrottle(db.Model):
    """Failed-login counter per e-mail address, whether or not an account exists."""

    __tablename__ = "login_throttle"

    email = db.Column(db.String(254), primary_key=True)
    failures = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(db.DateTime, nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Invitation(Timestamped, db.Model):
    """An e-mailed invitation to join a programme with a role."""

    __tablename__ = "invitation"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False)
    role = db.Column(db.String(16), nullable=False)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="SET NULL"), nullable=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    invited_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    expires_at = db.Column(db.DateTime, nullable=False)
    accepted_at = db.Column(db.DateTime, nullable=True)

    programme = db.relationship("Programme")
    group = db.relationship("MentoringGroup")
    invited_by = db.relationship("User")
