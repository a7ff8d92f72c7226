"""Logged-in sessions kept on the server: one ``user_session`` row per browser.

The session cookie carries the row's key; the user loader reads the row together
with the user (one statement), so deleting it ends that session for pages and
sockets alike, whatever copy of the cookie is replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from core.extensions import db
from core.models import UserSession, new_token, utcnow

TOUCH_EVERY = timedelta(hours=1)


def key_hash(key: str) -> str:
    """What the database keeps of a session key."""
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit() -> timedelta:
    """How long an unused session stays valid (``SESSION_IDLE_DAYS``)."""
    return timedelta(days=current_app.config["SESSION_IDLE_DAYS"])


def expired(seen_at: datetime | None) -> bool:
    """True when a session last seen at ``seen_at`` has been idle too long."""
    return seen_at is None or utcnow() - seen_at > idle_limit()


def open_session(user: Any) -> str:
    """Record a new session of ``user`` (and forget their long-idle ones); the key
    goes into ``user.session_key`` and so into the cookie."""
    now = utcnow()
    db.session.execute(db.delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.seen_at < now - idle_limit()))
    key = secrets.token_urlsafe(24)
    db.session.add(UserSession(key_hash=key_hash(key), user_id=user.id, created_at=now,
                               seen_at=now))
    user.session_key = key
    return key


def end_session(user: Any) -> None:
    """End the session this request runs in."""
    if user.session_key:
        db.session.execute(db.delete(UserSession).where(
            UserSession.key_hash == key_hash(user.session_key)))


def end_all_sessions(user: Any) -> None:
    """End every session of ``user`` (on every device) and renew the account's other
    credentials: the session token, so that no earlier cookie can come back, and
    the calendar feed address. The caller commits."""
    db.session.execute(db.delete(UserSession).where(UserSession.user_id == user.id))
    user.session_token = new_token()
    user.feed_token = new_token()


def touch(user: Any) -> bool:
    """Mark the user and this session as in use, at most one write an hour (either
    mark that is older asks for it); True when it wrote. The caller commits."""
    now = utcnow()
    if all(seen is not None and now - seen <= TOUCH_EVERY
           for seen in (user.last_seen_at, user.session_seen_at)):
        return False
    user.last_seen_at = user.session_seen_at = now
    if user.session_key:
        db.session.execute(db.update(UserSession).where(
            UserSession.key_hash == key_hash(user.session_key)).values(seen_at=now))
    return True
