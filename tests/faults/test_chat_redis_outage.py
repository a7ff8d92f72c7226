"""Redis really stopped under two chat socket processes (``wsgi_socket.py``): messages
sent on both while it is away are stored and acknowledged; once it is back every
client converges to exactly the stored history, in order, without duplicates.

The Redis here is this test's own ``redis-server`` on a free port, killed and
started again; the machine's Redis is never touched.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import free_port, run_server
from tests.faults.killable import Redis
from tests.plugins.chat.conftest import (  # noqa: F401, F811
    FAST,
    ChatClient,
    _quick_websocket_close,
    http_login,
    rooms,
    stored,
    wait_until,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


@pytest.fixture
def redis() -> Iterator[Redis]:
    server = Redis()
    server.start()
    try:
        yield server
    finally:
        server.kill()


def socket_process(app: Any, redis_url: str) -> Any:
    """A real gevent chat process (``wsgi_socket.py``) sharing rooms through Redis."""
    port = free_port()
    return run_server(app, sys.executable, "wsgi_socket.py", "--port", str(port), port=port,
                      REDIS_URL=redis_url, **FAST)


class Follower(ChatClient):
    """A client that keeps what the shipped chat.js keeps: the messages it holds by
    number, and the number up to which it holds everything; it asks for what
    follows that number, as often as the server says more follow, and for the
    removals since its previous sync."""

    moment: str | None = None

    def join(self, activity: Any) -> Follower:
        self.connect(activity)
        self.moment = self.call("sync")["now"]  # as the page's data-now
        return self

    def removed_ids(self) -> set[int]:
        return {r["id"] for r in self.received("removed")}

    def held(self) -> dict[int, dict[str, Any]]:
        return {m["seq"]: m for m in self.received("message")}

    def contiguous(self) -> int:
        held, n = self.held(), 0
        while n + 1 in held:
            n += 1
        return n

    def catch_up(self) -> None:
        after = self.contiguous()
        while True:
            answer = self.call("sync", {"after_seq": after, "removed_since": self.moment})
            assert answer["ok"], answer
            for m in answer["messages"]:
                self._recorder("message")(m)
                after = max(after, m["seq"])
            for removed in answer["removed"]:
                self._recorder("removed")({"id": removed})
            if not answer["more"]:
                self.moment = answer["now"]
                return

    def view(self) -> list[tuple[int, str]]:
        """What the chat shows: each message once, in the room's order."""
        gone = self.removed_ids()
        return [(seq, "" if m["id"] in gone or m["removed"] else m["body"])
                for seq, m in sorted(self.held().items())]


def test_every_client_converges_after_a_redis_outage(app, world, rooms, redis):  # noqa: F811
    chat = rooms["shared"]
    people = ["mentee_a", "mentor_a", "mentee_a2", "manager"]
    with socket_process(app, redis.url) as one, socket_process(app, redis.url) as two:
        bases = [one, two, one, two]
        followers = []
        try:
            for who, base in zip(people, bases, strict=True):
                followers.append(Follower(base, http_login(base, world[who])).join(chat))
            assert followers[0].send("before the outage")["ok"]
            for f in followers:
                f.wait_for_body("before the outage")

            redis.kill()
            wait_until(lambda: all({"state": "degraded"} in f.received("status")
                                   for f in followers), timeout=20, what="degraded status")
            sent = []
            for i in range(6):  # alternate processes: their ids interleave
                ack = followers[i % 4].send(f"during {i}")
                assert ack["ok"] and ack["status"] == "degraded", ack
                sent.append(ack["message"]["id"])
            # the mentor, on process two, removes a message sent on process one
            assert followers[1].call("remove", {"id": sent[0]})["ok"]
            wait_until(lambda: followers[3].removed_ids(), what="removal on process two")
            assert not followers[0].removed_ids() and not followers[2].removed_ids()
            # each process delivered only its own: the other's leave holes, so a
            # client that asks for "after the last one I saw" would skip them
            wait_until(lambda: all(len(f.held()) == 4 for f in followers),
                       what="local delivery")
            assert all(f.contiguous() < max(f.held()) for f in followers)
            redis.start()
            wait_until(lambda: all(f.received("status")[-1] == {"state": "ok"}
                                   for f in followers), timeout=20, what="status ok again")
            assert followers[1].send("after the outage")["ok"]
            for f in followers:  # what chat.js does on "ok" and on a hole
                wait_until(lambda f=f: f.catch_up() or "after the outage" in f.bodies(),
                           timeout=20, what="the message after the outage")
                f.catch_up()
        finally:
            for f in followers:
                f.close()
    history = [(m.seq, "" if m.removed else m.body)
               for m in sorted(stored(), key=lambda m: m.seq)]
    assert [body for _seq, body in history] == (
        ["before the outage", ""] + [f"during {i}" for i in range(1, 6)] + ["after the outage"])
    assert [seq for seq, _body in history] == list(range(1, 9))
    for f in followers:
        assert f.view() == history
