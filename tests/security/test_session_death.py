"""Logging out ends the session on the server: a replayed copy of the old cookie
opens no page and no chat socket. Other devices stay logged in; a password change,
a reset or "log out on every device" ends them all, the calendar feed address
included."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from core.extensions import db
from core.models import User
from tests.conftest import run_server
from tests.factories import PASSWORD, login
from tests.security.accounts import post_form, reset_path

WAIT = 8.0
NEW = "a different long phrase 42"


def _cookie(client: Any) -> str:
    return client.get_cookie("session").value


def _replay(app: Any, cookie: str) -> Any:
    """A new browser holding a copy of ``cookie``."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_replayed_cookie_opens_nothing_after_logout(app, client, make):
    user = make.user()
    login(client, user)
    stolen = _cookie(client)
    assert _replay(app, stolen).get("/profile").status_code == 200
    assert client.post("/logout").status_code == 302
    again = _replay(app, stolen).get("/profile")
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_logging_out_on_one_device_keeps_the_others(app, make):
    user = make.user()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    phone.post("/logout")
    assert phone.get("/profile").status_code == 302
    assert laptop.get("/profile").status_code == 200


def _two_devices(app: Any, user: Any) -> tuple[Any, Any, str]:
    """Two browsers logged in as ``user``, and the user's calendar feed path."""
    here, there = app.test_client(), app.test_client()
    login(here, user)
    login(there, user)
    return here, there, f"/calendar/feed/{user.id}/{user.feed_token}.ics"


def test_a_password_change_ends_every_other_session_and_the_feed(app, make):
    user = make.user()
    here, there, old_feed = _two_devices(app, user)
    assert here.get(old_feed).status_code == 200
    resp = here.post("/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert resp.status_code == 302
    assert here.get("/profile").status_code == 200
    assert there.get("/profile").status_code == 302
    assert here.get(old_feed).status_code == 404
    fresh = db.session.get(User, user.id)
    db.session.refresh(fresh)
    assert here.get(f"/calendar/feed/{user.id}/{fresh.feed_token}.ics").status_code == 200


def test_a_reset_ends_every_session_and_the_feed(app, make, smtp):
    user = make.user()
    browser = app.test_client()
    login(browser, user)
    old_feed = f"/calendar/feed/{user.id}/{user.feed_token}.ics"
    app.test_client().post("/password/reset", data={"email": user.email})
    path = reset_path(smtp)
    stranger = app.test_client()
    assert stranger.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert browser.get("/profile").status_code == 302
    assert stranger.get(old_feed).status_code == 404


def test_logging_out_everywhere_ends_every_session_and_the_feed(app, make):
    user = make.user()
    here, there, old_feed = _two_devices(app, user)
    assert "Log out on every device" in here.get("/profile").get_data(as_text=True)
    assert here.post("/logout/everywhere").status_code == 302
    assert here.get("/profile").status_code == 302
    assert there.get("/profile").status_code == 302
    assert app.test_client().get(old_feed).status_code == 404


# --- the chat socket, against a real server ---------------------------------------


@pytest.fixture
def server(app) -> Iterator[str]:
    with run_server(app, CHAT_RATE_LIMIT="1000 per 10 seconds") as url:
        yield url


def _http_login(base: str, user: Any) -> requests.Session:
    s = requests.Session()
    resp = post_form(s, base, "/login", {"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.text[:300]
    return s


def _http_logout(base: str, s: requests.Session) -> None:
    assert post_form(s, base, "/logout", {}, page="/profile").status_code == 302


def _socket(base: str, cookie: str, room: Any) -> socketio.Client:
    sio = socketio.Client(reconnection=False, request_timeout=WAIT)
    sio.connect(base, headers={"Cookie": f"session={cookie}", "Origin": base},
                namespaces=["/chat"], transports=["polling"], wait_timeout=WAIT,
                auth={"activity": room.id, "group": None})
    return sio


def test_the_chat_refuses_a_replayed_cookie_after_logout(app, world, make, server):
    room = make.activity(world["programme"], "chat.room", title="Programme chat")
    s = _http_login(server, world["mentee_a"])
    stolen = s.cookies["session"]
    before = _socket(server, stolen, room)
    sent = before.call("send", {"body": "before logout", "client_id": secrets.token_hex(8)},
                       namespace="/chat", timeout=WAIT)
    assert sent["ok"] is True, sent
    _http_logout(server, s)
    refused = before.call("send", {"body": "after logout", "client_id": secrets.token_hex(8)},
                          namespace="/chat", timeout=WAIT)
    assert refused["ok"] is False
    before.disconnect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        _socket(server, stolen, room)
