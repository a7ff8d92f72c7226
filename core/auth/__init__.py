"""Accounts: the login manager and the auth blueprint."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.extensions import db, login_manager

_STATEMENTS: dict[bool, Any] = {}


def _user_statement() -> Any:
    """The user row with their session's row, their roles and groups, and the plugins
    programmes disabled: what every logged-in request needs, in one statement. No
    session row, no user."""
    from sqlalchemy import bindparam

    from core.models import User, UserSession
    from core.permissions import access_columns
    from core.plugins import disabled_column

    if "user" not in _STATEMENTS:
        roles, groups = access_columns()
        _STATEMENTS["user"] = db.select(
            User, UserSession.seen_at, roles, groups, disabled_column(),
        ).join(UserSession, (UserSession.user_id == User.id)
               & (UserSession.key_hash == bindparam("key"))).where(
            User.id == bindparam("uid"))
    return _STATEMENTS["user"]


def load_user(user_id: int, token: str) -> Any:
    """The active user with this id and ``token`` (``"<account session token>:<key of
    an open session>"``, as ``User.get_id`` writes after the id), or None. Their
    roles, groups and the disabled plugins come with the row and fill the request's
    caches."""
    from core.auth import logins
    from core.permissions import remember_access
    from core.plugins import remember_disabled

    token, _, session_key = token.partition(":")
    if not session_key:
        return None
    row = db.session.execute(_user_statement(),
                             {"uid": user_id, "key": logins.key_hash(session_key)}).first()
    if row is None:
        return None
    user, seen_at, roles, groups, disabled = row
    if not user.is_active or user.session_token != token or logins.expired(seen_at):
        return None
    user.session_key, user.session_seen_at = session_key, seen_at
    remember_access(user.id, roles, groups)
    remember_disabled(disabled)
    return user


def init_app(app: Flask) -> None:
    """Register the auth views and the user loader."""
    from core.auth.views import bp

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_key: str):  # noqa: ANN202
        uid, _, token = user_key.partition(":")
        if not uid.isdigit():
            return None
        return load_user(int(uid), token)

    app.register_blueprint(bp)

    @app.before_request
    def _touch_last_seen() -> None:
        """Keep ``last_seen_at`` and the session's ``seen_at`` current (at most one
        write an hour per session)."""
        from flask_login import current_user

        from core.auth import logins

        if current_user.is_authenticated and logins.touch(current_user._get_current_object()):
            db.session.commit()
