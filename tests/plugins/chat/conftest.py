"""Fixtures for the chat: rooms in the test world, real server processes, users
logged in over HTTP and real Socket.IO clients holding their session cookie."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio

from core.extensions import db
from plugins.chat.models import ChatMessage
from tests.conftest import run_server
from tests.factories import PASSWORD

WAIT = 8.0  # seconds any one thing may take before a test fails
FAST = {"CHAT_RATE_LIMIT": "1000 per 10 seconds", "CHAT_HEALTH_INTERVAL": "0.5"}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF.search(html)
    assert match, html[:500]
    return match.group(1) or match.group(2)


def http_login(base: str, user: Any) -> requests.Session:
    """A requests session logged in through the real login form."""
    s = requests.Session()
    page = s.get(f"{base}/login", timeout=WAIT)
    resp = s.post(f"{base}/login", data={"email": user.email, "password": PASSWORD,
                                         "csrf_token": csrf_token(page.text)},
                  allow_redirects=False, timeout=WAIT)
    assert resp.status_code == 302, resp.text[:500]
    return s


def wait_until(check: Callable[[], Any], timeout: float = WAIT, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class ChatClient:
    """A python-socketio client in a chat room, recording what it receives."""

    def __init__(self, base: str, session: requests.Session | None) -> None:
        self.base = base
        self.session = session
        self.sio = socketio.Client(reconnection=False, request_timeout=WAIT)
        self.events: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.disconnected = threading.Event()
        for name in ("message", "removed", "presence", "status"):
            self.sio.on(name, self._recorder(name), namespace="/chat")
        self.sio.on("disconnect", lambda *a: self.disconnected.set(), namespace="/chat")

    def _recorder(self, name: str) -> Callable[[Any], None]:
        def record(data: Any = None) -> None:
            with self.lock:
                self.events.append((name, data))
            self.on_event(name, data)
        return record

    def on_event(self, name: str, data: Any) -> None:
        """Called for every received event (tests may replace it)."""

    def connect(self, activity: Any, group: Any = None, origin: str | None = "same") -> ChatClient:
        headers = {}
        if self.session is not None:
            headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        if origin == "same":
            origin = self.base
        # websocket-client sends the Origin header itself
        self.sio.eio.websocket_extra_options = (
            {"origin": origin} if origin else {"suppress_origin": True})
        self.sio.connect(self.base, headers=headers, namespaces=["/chat"],
                         transports=["websocket"], wait_timeout=WAIT,
                         auth={"activity": getattr(activity, "id", activity),
                               "group": getattr(group, "id", group)})
        return self

    def call(self, event: str, data: Any = None) -> Any:
        return self.sio.call(event, data or {}, namespace="/chat", timeout=WAIT)

    def send(self, body: str, client_id: str | None = None) -> Any:
        import secrets

        return self.call("send", {"body": body, "client_id": client_id or secrets.token_hex(8)})

    def received(self, name: str = "message") -> list[Any]:
        with self.lock:
            return [data for n, data in self.events if n == name]

    def bodies(self) -> list[str]:
        return [m["body"] for m in self.received("message")]

    def wait_for_body(self, body: str) -> dict[str, Any]:
        return wait_until(lambda: next((m for m in self.received() if m["body"] == body), None),
                          what=f"message {body!r}")

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def rooms(world, make) -> dict[str, Any]:
    """A chat separate per group and a shared one, in the world's programme."""
    prog = world["programme"]
    section = make.section(prog, "Sessions")
    return {
        "separate": make.activity(prog, "chat.room", title="Group chat", group_mode="separate",
                                  section=section),
        "shared": make.activity(prog, "chat.room", title="Programme chat", section=section),
    }


@pytest.fixture(autouse=True)
def _quick_websocket_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """websocket-client waits up to 3 s on close for a frame that its reader thread
    has already consumed; a refused or closed test client need not wait."""
    import websocket

    original = websocket.WebSocket.close

    def close(self: Any, status: int = 1000, reason: bytes = b"", timeout: float = 3) -> None:
        original(self, status, reason, timeout=min(timeout, 0.2))

    monkeypatch.setattr(websocket.WebSocket, "close", close)


@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:
    """One real server (``ementoring run``) for a test module, sharing the test DB."""
    with run_server(app, **FAST) as url:
        yield url


@pytest.fixture
def clients() -> Iterator[Callable[..., ChatClient]]:
    """Make chat clients; all are disconnected at the end of the test."""
    made: list[ChatClient] = []

    def make_client(base: str, user: Any = None) -> ChatClient:
        c = ChatClient(base, http_login(base, user) if user is not None else None)
        made.append(c)
        return c

    yield make_client
    for c in made:
        c.close()


def stored(**where: Any) -> list[ChatMessage]:
    """Chat messages in the database (a fresh read)."""
    db.session.expire_all()
    stmt = db.select(ChatMessage).order_by(ChatMessage.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(ChatMessage, key) == value)
    return list(db.session.execute(stmt).scalars())
