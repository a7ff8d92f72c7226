"""Per-user rate limit of chat messages, shared through Redis when it is there."""

from __future__ import annotations

import math
import os
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from core.extensions import limiter
from plugins.chat import health

DEFAULT = "8 per 10 seconds"
_local = MovingWindowRateLimiter(MemoryStorage())


def rate_limit() -> RateLimitItem:
    """The limit: config ``CHAT_RATE_LIMIT`` or the environment variable of that
    name (``"8 per 10 seconds"``, ``"30/minute"``…), else the default."""
    text = current_app.config.get("CHAT_RATE_LIMIT") or os.environ.get("CHAT_RATE_LIMIT")
    return parse(text or DEFAULT)


def hit(user_id: int) -> int | None:
    """Count one message of ``user_id``: None when allowed, else the seconds to wait."""
    item = rate_limit()
    keys = (current_app.config.get("RATELIMIT_KEY_PREFIX") or "ementoring", "chat",
            str(user_id))
    strategy = _local
    if health.redis_url() and not health.degraded():
        strategy = limiter.limiter  # Flask-Limiter's storage: Redis (with its fallback)
    try:
        if strategy.hit(item, *keys):
            return None
        stats = strategy.get_window_stats(item, *keys)
    except Exception:  # Redis failed under us: count here until it is back
        health.mark_down()
        strategy = _local
        if strategy.hit(item, *keys):
            return None
        stats = strategy.get_window_stats(item, *keys)
    return max(1, math.ceil(stats.reset_time - time.time()))
