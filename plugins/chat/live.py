"""Sending to the people in a room, wherever their socket process is, and telling
them when Redis is away (degraded) and when it is back."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from flask import Flask

from core.extensions import socketio
from plugins.chat import health
from plugins.chat.presence import presence

NAMESPACE = "/chat"
log = logging.getLogger(__name__)
_monitor_lock = threading.Lock()
_monitor_started = False


def status() -> str:
    """``"ok"``, or ``"degraded"`` while a configured Redis is not answering."""
    return "degraded" if health.degraded() else "ok"


def broadcast(event: str, data: Any, room: str) -> None:
    """Emit to everyone in ``room``: through the message queue when there is one
    and it answers, otherwise to this process's own connections only."""
    local_only = bool(health.redis_url()) and health.degraded()
    try:
        socketio.emit(event, data, to=room, namespace=NAMESPACE, ignore_queue=local_only)
    except Exception:  # the message is stored: clients catch up when they sync
        log.exception("chat: could not broadcast %s to %s", event, room)


def disconnect(sid: str) -> None:
    """End a chat connection, on whichever process holds it."""
    try:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    except Exception:
        log.exception("chat: could not disconnect %s", sid)


def ensure_monitor(app: Flask) -> None:
    """Start this process's watcher (once): Redis health, presence heartbeats."""
    global _monitor_started
    with _monitor_lock:
        if _monitor_started:
            return
        _monitor_started = True
    socketio.start_background_task(_watch, app)


def _watch(app: Flask) -> None:
    interval = float(os.environ.get("CHAT_HEALTH_INTERVAL") or 2)
    beat_every = max(1, int(15 / interval))
    last_state, n = "ok", 0
    while True:
        socketio.sleep(interval)
        try:
            with app.app_context():
                state = "degraded" if not health.check(max_age=0) else "ok"
                n += 1
                if state != last_state or n % beat_every == 0:
                    presence.heartbeat()
                if state != last_state:
                    # only this process's connections: the queue may be what is missing
                    socketio.emit("status", {"state": state}, namespace=NAMESPACE,
                                  ignore_queue=True)
                    last_state = state
        except Exception:  # the watcher must outlive any one failure
            log.exception("chat: watcher iteration failed")
