"""Is Redis there? Checked with short timeouts so that the chat degrades instead of
hanging when it goes away, and recovers by itself when it comes back."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)
TIMEOUT = 0.5  # seconds, for connecting and for each command
MAX_AGE = 2.0  # seconds a health answer is reused

_lock = threading.Lock()
_clients: dict[str, Any] = {}
_state: dict[str, tuple[bool, float]] = {}


def redis_url() -> str | None:
    """The configured Redis, or None when the site runs as one process without it."""
    return current_app.config.get("REDIS_URL") or None


def client(url: str | None = None) -> Any:
    """A Redis client for presence, rate limits and health (not the Socket.IO queue)."""
    import redis

    url = url or redis_url()
    with _lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT,
                decode_responses=True)
        return _clients[url]


def check(max_age: float = MAX_AGE) -> bool:
    """True when Redis is not configured or answered a PING lately (within ``max_age``)."""
    url = redis_url()
    if not url:
        return True
    ok, at = _state.get(url, (True, 0.0))
    now = time.monotonic()
    if now - at < max_age:
        return ok
    try:
        ok = bool(client(url).ping())
    except Exception as exc:  # any failure means "not usable now"
        if _state.get(url, (True, 0.0))[0]:
            log.warning("chat: Redis is unavailable (%s); chat runs degraded", exc)
        ok = False
    else:
        if not _state.get(url, (True, 0.0))[0]:
            log.warning("chat: Redis is back")
    _state[url] = (ok, now)
    return ok


def mark_down() -> None:
    """Record that a Redis operation just failed."""
    url = redis_url()
    if url:
        _state[url] = (False, time.monotonic())


def degraded() -> bool:
    """True when Redis is configured but not answering: live delivery reaches only
    the people connected to this process until it is back."""
    return not check()
