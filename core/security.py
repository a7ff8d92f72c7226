"""Response headers and other request-wide protections."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)


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
        # an error page never waits for the user's row: it may be what failed
        if resp.status_code >= 500 or (current_user and current_user.is_authenticated):
            resp.headers["Cache-Control"] = "no-store"
            resp.headers["Vary"] = "Cookie"
        return resp


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` if it points inside this site, else ``fallback``."""
    if not target:
        return fallback
    target = target.replace("\\", "/")
    host = urlparse(request.host_url)
    test = urlparse(urljoin(request.host_url, target))
    same_site = test.netloc == host.netloc and not target.startswith("//")
    if test.scheme in ("http", "https") and same_site:
        path = test.path or "/"
        return path + (f"?{test.query}" if test.query else "")
    return fallback
