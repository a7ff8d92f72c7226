"""Who is in a chat room now: every connection of this process is kept in memory
and, when Redis is configured and answering, mirrored there so that every
socket process sees the same list."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from plugins.chat import health

KEY = "chat:presence:{room}"
STALE = 60  # seconds without a heartbeat after which a connection is forgotten
TTL = 120  # seconds a room's presence key outlives its last update


class Presence:
    """Connections per room (sid -> user); users are listed once however many tabs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sids: dict[str, tuple[str, int, str]] = {}  # sid -> (room, user id, name)

    # -- local book-keeping ------------------------------------------------
    def _local(self, room: str) -> dict[str, tuple[int, str]]:
        with self._lock:
            return {sid: (uid, name) for sid, (r, uid, name) in self._sids.items() if r == room}

    # -- shared view -------------------------------------------------------------
    def _shared(self, room: str) -> dict[str, tuple[int, str]] | None:
        """Every process's connections in ``room`` from Redis, or None without it."""
        if not health.redis_url() or health.degraded():
            return None
        try:
            raw = health.client().hgetall(KEY.format(room=room))
        except Exception:
            health.mark_down()
            return None
        now, out, stale = time.time(), {}, []
        for sid, value in raw.items():
            try:
                entry = json.loads(value)
            except ValueError:
                stale.append(sid)
                continue
            if now - entry.get("t", 0) > STALE:
                stale.append(sid)
            else:
                out[sid] = (int(entry["u"]), str(entry["n"]))
        if stale:
            self._try(lambda r: r.hdel(KEY.format(room=room), *stale))
        return out

    def _try(self, action: Any) -> None:
        if not health.redis_url() or health.degraded():
            return
        try:
            action(health.client())
        except Exception:
            health.mark_down()

    def connections(self, room: str) -> dict[str, tuple[int, str]]:
        """sid -> (user id, name) for everyone connected to ``room``."""
        shared = self._shared(room)
        if shared is None:
            return self._local(room)
        shared.update(self._local(room))
        return shared

    def members(self, room: str) -> list[dict[str, Any]]:
        """The people in ``room`` now, each once, sorted by name."""
        people = {uid: name for uid, name in self.connections(room).values()}
        return [{"id": uid, "name": name}
                for uid, name in sorted(people.items(), key=lambda p: p[1].casefold())]

    def sids(self, room: str, user_id: int) -> list[str]:
        """The connections of one user in ``room``."""
        return [sid for sid, (uid, _n) in self.connections(room).items() if uid == user_id]

    # -- changes ---------------------------------------------------------------
    def join(self, room: str, sid: str, user_id: int, name: str) -> bool:
        """Add a connection; True when the user was not in the room before."""
        before = {uid for uid, _n in self.connections(room).values()}
        with self._lock:
            self._sids[sid] = (room, user_id, name)
        self._publish(room, sid, user_id, name)
        return user_id not in before

    def leave(self, sid: str) -> tuple[str, int, str, bool] | None:
        """Drop a connection: (room, user id, name, whether the user has left the room)."""
        with self._lock:
            entry = self._sids.pop(sid, None)
        if entry is None:
            return None
        room, user_id, name = entry
        self._try(lambda r: r.hdel(KEY.format(room=room), sid))
        gone = user_id not in {uid for uid, _n in self.connections(room).values()}
        return room, user_id, name, gone

    def _publish(self, room: str, sid: str, user_id: int, name: str) -> None:
        value = json.dumps({"u": user_id, "n": name, "t": time.time()})

        def write(r: Any) -> None:
            key = KEY.format(room=room)
            pipe = r.pipeline()
            pipe.hset(key, sid, value)
            pipe.expire(key, TTL)
            pipe.execute()

        self._try(write)

    def heartbeat(self) -> None:
        """Refresh this process's connections in Redis (also after Redis came back)."""
        with self._lock:
            entries = list(self._sids.items())
        if not entries:
            return
        now = time.time()

        def write(r: Any) -> None:
            pipe = r.pipeline()
            for sid, (room, user_id, name) in entries:
                key = KEY.format(room=room)
                pipe.hset(key, sid, json.dumps({"u": user_id, "n": name, "t": now}))
                pipe.expire(key, TTL)
            pipe.execute()

        self._try(write)


presence = Presence()
