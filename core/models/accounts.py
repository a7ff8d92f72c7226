"""User accounts, their sessions, password throttling and invitations."""

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

    #: the key of the session this request runs in and when it was last marked in
    #: use (set at login and by the user loader; not columns)
    session_key = None
    session_seen_at = None

    def get_id(self) -> str:
        """Identify the user together with the account's session token (renewing it
        ends every session) and the key of this one session (its row in
        ``user_session``: deleting the row ends it)."""
        return f"{self.id}:{self.session_token}:{self.session_key or ''}"

    @property
    def name(self) -> str:
        """The name to show; erased users appear as "deleted user"."""
        if self.erased:
            from flask_babel import gettext

            return gettext("deleted user")
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One logged-in session (a browser): logging out deletes its row, and a session
    cookie whose row is gone no longer logs anyone in. Only a hash of the key is kept."""

    __tablename__ = "user_session"

    key_hash = db.Column(db.String(64), primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    seen_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class LoginThrottle(db.Model):
    """Failed password checks per e-mail address (whether or not an account exists) and
    client address; ``ip`` is ``"*"`` for the count over all addresses."""

    __tablename__ = "login_throttle"

    email = db.Column(db.String(254), primary_key=True)
    ip = db.Column(db.String(64), primary_key=True, default="*")
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
