"""Signed, expiring tokens for password reset and hashed tokens for invitations."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: Any) -> str:
    material = f"{user.password_hash}|{user.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:20]


def reset_token(user: Any) -> str:
    """A reset token bound to the user's current password, so it works once."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_reset_token(token: str) -> Any:
    """The user a valid, unexpired, unused reset token names, or None."""
    from core.extensions import db
    from core.models import User

    try:
        data = _serializer().loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(_fingerprint(user), str(data.get("f"))):
        return None
    return user


def hash_token(token: str) -> str:
    """Hash an invitation token for storage."""
    return hashlib.sha256(token.encode()).hexdigest()
