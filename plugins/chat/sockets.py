"""The live chat over Socket.IO (namespace ``/chat``).

A client connects with ``auth={"activity": id, "group": id or null}``; every
event is checked again (capability and group membership), so someone removed
from the group is refused at their next event. Events answer through the
acknowledgement: ``{"ok": true, ...}`` or ``{"ok": false, "error": code,
"message": sentence}``.

Client → server: ``send {client_id, body}``, ``sync {after_seq}`` (what came
after the room's message number ``after_seq``; the latest 50 without it; ``after``,
an id, from clients of before the numbers; with ``removed_since``, the ``now`` of
the previous answer, also the ids removed since), ``history
{before}`` (50 older ones), ``remove {id}``. Server → client: ``message``,
``removed {id}``, ``presence {joined, left}``, ``status {state}``.

Presence travels as changes: a ``presence`` event names the one person who came
(their first connection) or went (their last), and the full list of people comes
with every ``sync`` answer. A list in every notice would cost a room of n people
arriving together O(n²) in frames and bytes; a change is applied to the list
idempotently, and the client's periodic ``sync`` corrects any drift.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room

from core.errorpage import forget_failed_transaction
from core.extensions import db, socketio
from plugins.chat import live
from plugins.chat.live import NAMESPACE, broadcast, status
from plugins.chat.presence import presence
from plugins.chat.rooms import Room, resolve
from plugins.chat.services import (
    ChatError,
    as_dict,
    history,
    parse_moment,
    post_message,
    remove_message,
    removed_since,
    since,
    sync_moment,
)

log = logging.getLogger(__name__)
_connections: dict[str, dict[str, Any]] = {}  # sid -> what it joined (this process only)


def origin_allowed(environ: dict[str, Any]) -> bool:
    """True when the handshake comes from this site (or an origin configured in
    ``SOCKETIO_ORIGINS``). Browsers always send ``Origin`` with WebSockets and
    cross-site requests; other clients cannot carry someone's session cookie."""
    origin = environ.get("HTTP_ORIGIN")
    if not origin:
        return True
    allowed = current_app.config.get("SOCKETIO_ORIGINS") or []
    if isinstance(allowed, str):
        allowed = [allowed]
    if origin in allowed or "*" in allowed:
        return True
    return urlsplit(origin).netloc.lower() == environ.get("HTTP_HOST", "").lower()


def _refusal(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": code, "message": message}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _presence_update(room: str, joined: Any = None, left: Any = None) -> None:
    if joined or left:
        broadcast("presence", {"joined": joined, "left": left}, room)


def _disconnect_later(sid: str) -> None:
    socketio.sleep(1)  # let the refusal reach the client first
    live.disconnect(sid)


class ChatNamespace(Namespace):
    """Handlers of the ``/chat`` namespace."""

    def on_connect(self, auth: Any = None) -> None:
        """Admit a logged-in user from this site into a room they may view."""
        try:
            self._admit(auth)
        except ConnectionRefusedError:
            raise
        except Exception as err:  # never let a failure count as an accepted connection
            db.session.rollback()
            log.exception("chat: connect failed", exc_info=err)
            raise ConnectionRefusedError("server") from err

    def _admit(self, auth: Any) -> None:
        if not origin_allowed(request.environ):
            raise ConnectionRefusedError("origin")
        if not current_user.is_authenticated:
            raise ConnectionRefusedError("login")
        auth = auth if isinstance(auth, dict) else {}
        room = resolve(auth.get("activity"), auth.get("group"), "chat.view")
        if room is None:
            raise ConnectionRefusedError("forbidden")
        _connections[request.sid] = {"user": current_user.id, "activity": room.activity.id,
                                     "group": room.group_id, "room": room.key,
                                     "locale": str(get_locale())}
        join_room(room.key)
        first = presence.join(room.key, request.sid, current_user.id, current_user.name)
        live.ensure_monitor(current_app._get_current_object())
        joined = {"id": current_user.id, "name": current_user.name} if first else None
        _presence_update(room.key, joined=joined)

    def on_disconnect(self, reason: Any = None) -> None:
        """Forget the connection; tell the room when its user has left."""
        _connections.pop(request.sid, None)
        left = presence.leave(request.sid)
        if left is not None:
            room, user_id, name, gone = left
            _presence_update(room, left={"id": user_id, "name": name} if gone else None)

    def _room(self, capability: str) -> tuple[Room | None, dict[str, Any] | None]:
        """The connection's room if its user may still use ``capability`` there."""
        info = _connections.get(request.sid) or {}
        # chosen at connection: an answer, an error answer too, needs no database
        g.locale = info.get("locale")
        room = None
        if current_user.is_authenticated and current_user.id == info.get("user"):
            room = resolve(info.get("activity"), info.get("group"), "chat.view")
        if room is None:  # removed from the group, role changed, logged out, hidden…
            if info.get("room"):
                leave_room(info["room"])
                self.on_disconnect()
            socketio.start_background_task(_disconnect_later, request.sid)
            return None, _refusal("forbidden", _("You can no longer take part in this chat."))
        if capability != "chat.view" and not room.allows(capability):
            return None, _refusal("forbidden", _("You may not do that in this chat."))
        return room, None

    def on_send(self, data: Any = None) -> dict[str, Any]:
        """Store a message, then broadcast it; the acknowledgement carries it back."""
        room, refusal = self._room("chat.post")
        if room is None:
            return refusal
        data = data if isinstance(data, dict) else {}
        try:
            message, created = post_message(room, current_user, data.get("body"),
                                            data.get("client_id"))
        except ChatError as err:
            return _refusal(err.code, err.message)
        payload = as_dict(message)
        if created:
            broadcast("message", payload, room.key)
        return {"ok": True, "message": payload, "status": status()}

    def on_sync(self, data: Any = None) -> dict[str, Any]:
        """Messages after the last id the client saw, the room's people, the status."""
        room, refusal = self._room("chat.view")
        if room is None:
            return refusal
        data = data if isinstance(data, dict) else {}
        now = sync_moment()
        messages, more = since(room, _int(data.get("after")), after_seq=_int(data.get("after_seq")))
        removed = removed_since(room, parse_moment(data.get("removed_since")))
        return {"ok": True, "messages": [as_dict(m) for m in messages], "more": more,
                "removed": removed, "now": now,
                "users": presence.members(room.key), "status": status()}

    def on_history(self, data: Any = None) -> dict[str, Any]:
        """Fifty messages before a given id, for scrolling back."""
        room, refusal = self._room("chat.view")
        if room is None:
            return refusal
        data = data if isinstance(data, dict) else {}
        messages, more = history(room, _int(data.get("before")))
        return {"ok": True, "messages": [as_dict(m) for m in messages], "more": more}

    def on_remove(self, data: Any = None) -> dict[str, Any]:
        """A mentor or manager removes a message; everyone sees it as removed."""
        room, refusal = self._room("chat.moderate")
        if room is None:
            return refusal
        data = data if isinstance(data, dict) else {}
        message = remove_message(room, data.get("id"), current_user)
        if message is None:
            return _refusal("not_found", _("That message is not in this chat."))
        broadcast("removed", {"id": message.id}, room.key)
        return {"ok": True, "id": message.id}


def _on_error(err: Exception) -> dict[str, Any]:
    """Answer at once, whatever failed (the database too): the client keeps the
    message, shows it as not sent and sends it again later under the same id."""
    log.exception("chat: event failed", exc_info=err)
    forget_failed_transaction()
    return _refusal("server", _("Not sent: the server has a problem. Your message is kept "
                                "and will be sent again."))


def install() -> None:
    """Attach the handlers to the app's Socket.IO server (again for each new app)."""
    socketio.on_namespace(ChatNamespace(NAMESPACE))
    socketio.on_error(NAMESPACE)(_on_error)
