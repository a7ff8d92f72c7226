"""The chat with servers started for the purpose: the plain form reaching live
clients, the rate limit, Redis away (degraded, pages still work) and two
server processes sharing rooms through Redis."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import free_port, run_server, wait_for_port
from tests.plugins.chat.conftest import FAST, csrf_token, http_login, stored, wait_until


def test_form_post_without_javascript_reaches_live_clients_once(server, world, rooms,
                                                                 clients):
    chat, group = rooms["separate"], world["group_a"]
    live = clients(server, world["mentor_a"]).connect(chat, group)
    browser = http_login(server, world["mentee_a"])
    url = f"{server}/chat/{chat.id}?group={group.id}"
    page = browser.get(url)
    assert page.status_code == 200
    assert 'aria-live="polite"' in page.text and '<label for="chat-body">' in page.text
    token = csrf_token(page.text)
    client_id = page.text.split('name="client_id" type="hidden" value="')[1].split('"')[0]
    form = {"csrf_token": token, "client_id": client_id, "body": "Sent <without> JavaScript"}
    resp = browser.post(f"{server}/chat/{chat.id}/messages?group={group.id}", data=form,
                        allow_redirects=False)
    assert resp.status_code == 302 and "#m" in resp.headers["Location"]
    live.wait_for_body("Sent <without> JavaScript")
    again = browser.post(f"{server}/chat/{chat.id}/messages?group={group.id}", data=form,
                         allow_redirects=False)  # the same form sent twice
    assert again.status_code == 302
    assert [m.body for m in stored()] == ["Sent <without> JavaScript"]
    shown = browser.get(url).text
    assert "Sent &lt;without&gt; JavaScript" in shown and "<without>" not in shown


def test_rate_limit_refuses_with_a_clear_message(app, world, rooms, clients):
    with run_server(app, CHAT_RATE_LIMIT="3 per minute") as base:
        client = clients(base, world["mentee_a"]).connect(rooms["shared"])
        acks = [client.send(f"quick {i}") for i in range(4)]
        assert [a["ok"] for a in acks] == [True, True, True, False]
        assert acks[3]["error"] == "rate_limited"
        assert "too fast" in acks[3]["message"] and "seconds" in acks[3]["message"]
        retry = client.send("quick 0", client_id=acks[0]["message"]["client_id"])
        assert retry["ok"]  # a retry of a stored message is not a new message
        other = clients(base, world["mentor_a"]).connect(rooms["shared"])
        assert other.send("someone else")["ok"]  # the limit is per person
        browser = http_login(base, world["mentee_a"])
        page = browser.get(f"{base}/chat/{rooms['shared'].id}")
        resp = browser.post(f"{base}/chat/{rooms['shared'].id}/messages", data={
            "csrf_token": csrf_token(page.text), "client_id": "form-message-0001",
            "body": "from the form"})
        assert resp.status_code == 429
        assert "too fast" in resp.text and "from the form" in resp.text  # text kept
    assert [m.body for m in stored()] == ["quick 0", "quick 1", "quick 2", "someone else"]


def test_redis_away_pages_and_chat_keep_working_degraded(app, world, rooms, clients):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with run_server(app, REDIS_URL=closed, **FAST) as base:
        browser = http_login(base, world["mentee_a"])
        page = browser.get(f"{base}/chat/{rooms['shared'].id}")
        assert page.status_code == 200 and "reduced service" in page.text
        assert browser.get(f"{base}/p/{world['programme'].id}").status_code == 200
        resp = browser.post(f"{base}/chat/{rooms['shared'].id}/messages", data={
            "csrf_token": csrf_token(page.text), "client_id": "form-message-0002",
            "body": "posted while Redis is away"}, allow_redirects=False)
        assert resp.status_code == 302
        a = clients(base, world["mentee_a"]).connect(rooms["shared"])
        b = clients(base, world["mentor_a"]).connect(rooms["shared"])
        assert a.call("sync")["status"] == "degraded"
        ack = a.send("live while degraded")
        assert ack["ok"] and ack["status"] == "degraded"
        b.wait_for_body("live while degraded")  # same process: still delivered
    assert [m.body for m in stored()] == ["posted while Redis is away", "live while degraded"]


def _redis_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_chat_recovers_when_redis_comes_back(app, world, rooms, clients):
    port = free_port()
    redis = _redis_server(port)
    try:
        with run_server(app, REDIS_URL=f"redis://127.0.0.1:{port}/0", **FAST) as base:
            a = clients(base, world["mentee_a"]).connect(rooms["shared"])
            b = clients(base, world["mentor_a"]).connect(rooms["shared"])
            assert a.send("before")["ok"]
            b.wait_for_body("before")
            redis.terminate()
            redis.wait(10)
            wait_until(lambda: {"state": "degraded"} in b.received("status"), timeout=15,
                       what="degraded status")
            assert a.send("during")["ok"]
            b.wait_for_body("during")
            redis = _redis_server(port)
            wait_until(lambda: b.received("status")[-1] == {"state": "ok"}, timeout=15,
                       what="status ok again")
            # the queue's listener reconnects on its own schedule; until then a
            # client's sync (after "ok", and every 20 s) fetches what it missed
            assert a.send("after")["ok"]
            last = b.received()[-1]["id"]
            found = wait_until(lambda: "after" in b.bodies() or any(
                m["body"] == "after" for m in b.call("sync", {"after": last})["messages"]),
                timeout=15, what="message after recovery")
            assert found
    finally:
        redis.terminate()
        redis.wait(10)
    assert [m.body for m in stored()] == ["before", "during", "after"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_two_server_processes_share_rooms_through_redis(app, world, rooms, clients):
    env = dict(FAST, REDIS_URL=os.environ["REDIS_URL"])
    chat, group = rooms["separate"], world["group_a"]
    with run_server(app, **env) as one, run_server(app, **env) as two:
        mentee = clients(one, world["mentee_a"]).connect(chat, group)
        mentor = clients(two, world["mentor_a"]).connect(chat, group)
        outsider = clients(two, world["mentee_b"]).connect(chat, world["group_b"])
        wait_until(lambda: len(mentee.call("sync")["users"]) == 2, what="shared presence")
        assert mentee.send("from process one")["ok"]
        mentor.wait_for_body("from process one")
        assert mentor.send("from process two")["ok"]
        mentee.wait_for_body("from process two")
        assert clients(two, world["mentor_b"]).connect(chat, world["group_b"]).send("B")["ok"]
        outsider.wait_for_body("B")
        assert outsider.bodies() == ["B"]
        message = mentee.received()[-1]
        assert mentor.call("remove", {"id": message["id"]})["ok"]
        wait_until(lambda: mentee.received("removed"), what="removal across processes")
