"""The page for a failure of the server itself (500, or 503 while the database is
out of reach): a standalone template that needs neither the database nor the
logged-in user, in the language remembered in the session cookie."""

from __future__ import annotations

import logging

from flask import Response, current_app, g
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.extensions import db
from core.i18n import browser_locale

log = logging.getLogger("ementoring")


def database_unreachable(err: BaseException) -> bool:
    """True when ``err`` says the database cannot be reached (not a bad query)."""
    if isinstance(err, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(err, DBAPIError) and bool(err.connection_invalidated)


def forget_failed_transaction() -> None:
    """Roll the session back, even when the connection under it is gone."""
    try:
        db.session.rollback()
    except Exception:  # the database is away: nothing to roll back
        log.debug("rollback failed", exc_info=True)


def static_error_page(err: BaseException) -> tuple[Response, int]:
    """The standalone error page for ``err`` with its status (503 or 500)."""
    code = 503 if database_unreachable(err) else 500
    g.locale = browser_locale()  # never the user's row
    g.theme = current_app.config["DEFAULT_THEME"]  # never the user's choice
    html = current_app.jinja_env.get_template("errors/static.html").render(
        code=code, lang=g.locale, site_name=current_app.config["SITE_NAME"],
        stylesheet=current_app.url_for("theme_static", theme=g.theme, filename="style.css"),
        home=current_app.url_for("dashboard.home"))
    resp = current_app.response_class(html, status=code, mimetype="text/html")
    if code == 503:
        resp.headers["Retry-After"] = "30"
    return resp, code
