"""The core's pages, registered by ``init_app``."""

from __future__ import annotations

from flask import Flask, current_app, g, request, send_from_directory
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from core import themes
from core.i18n import text_direction
from core.labels import event_label, group_status_label, role_label, status_label


def init_app(app: Flask) -> None:
    """Register core blueprints, template helpers and theme static files."""
    from core.sessions import calendar, plan_editor, views  # noqa: F401  (routes)
    from core.sessions.blueprint import bp as sessions_bp
    from core.views import admin, course, dashboard, groups, members, profile, settings

    for bp in (dashboard.bp, course.bp, course.activities, groups.bp, members.bp, profile.bp,
               admin.bp, admin.plugins_bp, sessions_bp, settings.bp):
        app.register_blueprint(bp)

    @app.route("/theme/<theme>/<path:filename>")
    def theme_static(theme: str, filename: str):  # noqa: ANN202
        if theme not in themes.available():
            from flask import abort

            abort(404)
        return send_from_directory(themes.THEMES_DIR / theme / "static", filename, max_age=3600)

    @app.route("/favicon.ico")
    def favicon():  # noqa: ANN202
        # browsers and bots ask for /favicon.ico whatever the page links to
        return send_from_directory(app.static_folder, "favicon.png", max_age=86400,
                                   mimetype="image/png")

    theme_static.public = True  # type: ignore[attr-defined]
    favicon.public = True  # type: ignore[attr-defined]
    app.view_functions["static"].public = True  # type: ignore[attr-defined]

    @app.context_processor
    def _globals():  # noqa: ANN202
        return {
            "current_theme": themes.current_theme(),
            "current_locale": str(get_locale()),
            "text_direction": text_direction(str(get_locale())),
            "site_name": current_app.config["SITE_NAME"],
            "nav_for": nav_for,
            "file_actions_for": file_actions_for,
            "can": _can,
            "role_label": role_label,
            "status_label": status_label,
            "group_status_label": group_status_label,
            "event_label": event_label,
        }

    app.jinja_env.filters["html"] = lambda s: Markup(s or "")


def _can(cap: str, programme=None, group=None) -> bool:  # noqa: ANN001
    from core.permissions import can

    return can(current_user, cap, programme, group)


def nav_for(programme) -> list:  # noqa: ANN001
    """Navigation items for a programme from every enabled plugin, in order."""
    from core.plugins import flatten, hooks

    cache = g.setdefault("_nav", {})
    if programme.id not in cache:
        items = flatten(hooks(programme).nav_items(programme=programme, user=current_user))
        cache[programme.id] = sorted(items, key=lambda i: i.order)
    return cache[programme.id]


def file_actions_for(stored_file) -> list:  # noqa: ANN001
    """Actions other plugins offer on a stored file for the current user."""
    from core.plugins import flatten, hooks

    relay = hooks(stored_file.programme_id) if stored_file.programme_id else hooks()
    return flatten(relay.file_actions(stored_file=stored_file, user=current_user))


def is_active_path(prefix: str) -> bool:
    """True when the request path starts with ``prefix`` (for aria-current)."""
    return request.path.startswith(prefix)
