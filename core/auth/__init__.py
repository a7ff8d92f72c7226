"""Accounts: the login manager and the auth blueprint."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Register the auth views and the user loader."""
    from core.auth.views import bp
    from core.models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_key: str):  # noqa: ANN202
        uid, _, token = user_key.partition(":")
        if not uid.isdigit():
            return None
        user = db.session.get(User, int(uid))
        if user is None or not user.is_active or user.session_token != token:
            return None
        return user

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
