"""Response headers and other request-wide protections."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)

# C0 controls, DEL and the C1 block: browsers drop tabs and newlines inside URLs
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over HTTPS (behind a
    proxy: when it says so), not only when ``SESSION_COOKIE_SECURE`` is set."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def install(app: Flask) -> None:
    """Add security headers to every response; Secure session cookies over HTTPS."""
    app.session_interface = SessionCookies()

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # only a user this request already loaded counts: loading one here could meet
        # the database that a failing request is failing on (an error page, a retry)
        user = g.get("_login_user")
        if resp.status_code >= 500 or (user is not None and user.is_authenticated):
            resp.headers["Cache-Control"] = "no-store"
            resp.headers["Vary"] = "Cookie"
        return resp


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` as a path on this site if it points inside it, else
    ``fallback``. The value is normalised first (control characters dropped, as
    browsers do; backslashes read as slashes; dot segments resolved) and the value
    returned is the one tested: it always starts with one ``/`` and never with
    ``//`` or ``/\\``, so no browser can read it as another host."""
    if not target:
        return fallback
    cleaned = _CONTROL.sub("", target).strip().replace("\\", "/")
    host = urlsplit(request.host_url)
    try:
        test = urlsplit(urljoin(request.host_url, cleaned))
    except ValueError:  # e.g. a host that Unicode normalisation would change
        return fallback
    if test.scheme not in ("http", "https") or test.netloc != host.netloc:
        return fallback
    path = "/" + test.path.lstrip("/")
    result = path + (f"?{test.query}" if test.query else "")
    if not result.startswith("/") or result.startswith(("//", "/\\")) or _CONTROL.search(result):
        return fallback
    return result
