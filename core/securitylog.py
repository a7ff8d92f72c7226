"""Security events for operators: one structured line per event on the logger
``ementoring.security`` (route it with ordinary ``logging`` configuration).

A line reads ``event=login.failed outcome=failure user=12 ip=203.0.113.9 …``.
Values that are not plain words are written as JSON strings, so a carriage
return or newline inside one (an e-mail address typed by an attacker) is escaped
and can never start a second, forged line. Passwords are never logged.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import has_request_context, request

log = logging.getLogger("ementoring.security")

_PLAIN = re.compile(r"[A-Za-z0-9_.:@/+\-]+")
FAILURES = ("failure", "refused", "denied", "throttled", "locked")


def _value(value: Any) -> str:
    text = "-" if value is None else str(value)
    if _PLAIN.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=True)


def _user_id() -> Any:
    from flask_login import current_user

    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # no user loaded and none loadable (e.g. database down)
        return None


def client_ip() -> str:
    """The client's address as this request sees it (behind trusted proxies, the
    real client's: see ``TRUSTED_PROXIES``)."""
    return (request.remote_addr or "-") if has_request_context() else "-"


def security_event(event: str, outcome: str, **fields: Any) -> None:
    """Log one security event: ``event`` (``login.failed``, ``password.changed``…),
    ``outcome`` (``success``, ``failure``, ``denied``…) and any fields. ``user``
    defaults to the logged-in user's id and ``ip`` to the client's address."""
    fields.setdefault("user", _user_id() if has_request_context() else None)
    fields.setdefault("ip", client_ip())
    if has_request_context():
        fields.setdefault("path", request.path)
    parts = [f"event={_value(event)}", f"outcome={_value(outcome)}"]
    parts += [f"{_value(key)}={_value(val)}" for key, val in fields.items()]
    level = logging.WARNING if outcome in FAILURES else logging.INFO
    log.log(level, " ".join(parts))
