"""Accounts: the login manager and the auth blueprint."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.extensions import db, login_manager

_STATEMENTS: dict[bool, Any] = {}


def _user_statement() -> Any:
    """The user row, their roles and groups, and the plugins programmes disabled:
    what every logged-in request needs, in one statement."""
    from sqlalchemy import bindparam

    from core.models import User
    from core.permissions import access_columns
    from core.plugins import disabled_column

    if "user" not in _STATEMENTS:
        roles, groups = access_columns()
        _STATEMENTS["user"] = db.select(User, roles, groups, disabled_column()).where(
            User.id == bindparam("uid"))
    return _STATEMENTS["user"]


def load_user(user_id: int, token: str) -> Any:
    """The active user with this id and session token, or None. Their roles, groups
    and the disabled plugins come with the row and fill the request's caches."""
    from core.permissions import remember_access
    from core.plugins import remember_disabled

    row = db.session.execute(_user_statement(), {"uid": user_id}).first()
    if row is None:
        return None
    user, roles, groups, disabled = row
    if not user.is_active or user.session_token != token:
        return None
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
        """Keep ``last_seen_at`` current (at most one write an hour per user)."""
        from datetime import timedelta

        from flask_login import current_user

        from core.models import utcnow

        if not current_user.is_authenticated:
            return
        now = utcnow()
        last = current_user.last_seen_at
        if last is None or now - last > timedelta(hours=1):
            current_user.last_seen_at = now
            db.session.commit()
