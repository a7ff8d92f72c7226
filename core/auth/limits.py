"""Request limits per client address and per target e-mail address (Flask-Limiter,
counted in Redis when ``REDIS_URL`` is set) on the pages a visitor can hammer:
login, password reset requests (each may send a mail) and invitations."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_babel import gettext as _

from core.extensions import limiter


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _address() -> str:
    return "address:" + (request.form.get("email") or "").strip().lower()


def _token() -> str:
    return "invitation:" + (request.view_args or {}).get("token", "")


def _not_logged_in(response) -> bool:  # noqa: ANN001
    """Count only attempts that did not log anyone in, so a class logging in from
    one school address is not held up."""
    return response.status_code != 302


def _message() -> str:
    return _("Too many attempts. Please wait a few minutes and try again.")


def _both(per_client: str, per_address: str, **options) -> Callable:  # noqa: ANN003
    """Limit a view per client address and per the e-mail address in its form."""
    client = limiter.limit(_setting(per_client), methods=["POST"], error_message=_message,
                           scope="client", **options)
    address = limiter.limit(_setting(per_address), key_func=_address, methods=["POST"],
                            error_message=_message, scope="address", **options)
    return lambda view: client(address(view))


#: login: failed attempts per client and per target address
login = _both("RATELIMIT_LOGIN", "RATELIMIT_LOGIN_ADDRESS", deduct_when=_not_logged_in)
#: reset requests (each may send a mail) per client and per target address
reset = _both("RATELIMIT_RESET", "RATELIMIT_RESET_ADDRESS")


def invitation(view: Callable) -> Callable:
    """Invitation pages: per client address and per invitation."""
    client = limiter.limit(_setting("RATELIMIT_INVITATION"), error_message=_message,
                           scope="client")
    token = limiter.limit(_setting("RATELIMIT_INVITATION"), key_func=_token,
                          methods=["POST"], error_message=_message, scope="token")
    return client(token(view))
