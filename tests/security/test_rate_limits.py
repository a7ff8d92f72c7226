"""Request limits per client address and per target address on the pages a
visitor can hammer (login, reset requests that send mail, invitations), answered
429 with the page and a clear message; shared through Redis by every process."""

from __future__ import annotations

import os

import pytest
import redis
import requests

from tests.conftest import run_server
from tests.factories import PASSWORD
from tests.security.accounts import client_at, post_form

LIMITED = "Too many attempts"
def test_one_client_trying_many_addresses_is_stopped(app):
    c = client_at(app)
    codes = [c.post("/login", data={"email": f"guess{n}@example.org",
                                    "password": "Summer2024!"}).status_code
             for n in range(30)]
    assert codes[:10] == [200] * 10
    assert set(codes[10:]) == {429}
    page = c.post("/login", data={"email": "one.more@example.org", "password": "x" * 9})
    assert page.status_code == 429
    text = page.get_data(as_text=True)
    assert LIMITED in text and 'name="email"' in text  # the login page, saying why


def test_successful_logins_from_one_school_address_are_not_held_up(app, make):
    users = [make.user() for _ in range(15)]
    c = client_at(app, "192.0.2.40")
    for user in users:
        resp = c.post("/login", data={"email": user.email, "password": PASSWORD})
        assert resp.status_code == 302
        c.post("/logout")


def test_one_address_gets_few_reset_mails_whoever_asks(app, make, smtp):
    user = make.user()
    codes = [client_at(app, f"198.51.100.{n}").post(
        "/password/reset", data={"email": user.email}).status_code for n in range(12)]
    assert codes[:3] == [302] * 3 and set(codes[3:]) == {429}
    smtp.wait(3)
    assert len(smtp.to(user.email)) == 3
    page = client_at(app, "198.51.100.99").post("/password/reset", data={"email": user.email})
    assert LIMITED in page.get_data(as_text=True)


def test_one_client_asking_resets_for_many_addresses_is_stopped(app, make, smtp):
    users = [make.user() for _ in range(8)]
    c = client_at(app, "203.0.113.77")
    codes = [c.post("/password/reset", data={"email": u.email}).status_code for u in users]
    assert codes[:5] == [302] * 5 and set(codes[5:]) == {429}
    smtp.wait(5)
    assert len(smtp.messages) == 5


def test_guessing_invitation_tokens_is_stopped(app):
    c = client_at(app, "203.0.113.88")
    codes = [c.get(f"/invite/guess-{n}").status_code for n in range(25)]
    assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}
    assert LIMITED in c.get("/invite/guess-x").get_data(as_text=True)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_limits_are_shared_by_every_process_through_redis(app):
    """Two server processes, one Redis: failures on either count toward one limit."""
    url = os.environ["REDIS_URL"]
    prefix = f"{os.environ['RATELIMIT_KEY_PREFIX']}-shared-{os.getpid()}"

    def fail(base: str, n: int) -> list[int]:
        s = requests.Session()
        codes = []
        for i in range(n):
            codes.append(post_form(s, base, "/login", {
                "email": f"spray{i}@example.org", "password": "Winter2024!"}).status_code)
        return codes

    with run_server(app, REDIS_URL=url, RATELIMIT_KEY_PREFIX=prefix) as one, \
            run_server(app, REDIS_URL=url, RATELIMIT_KEY_PREFIX=prefix) as two:
        assert fail(one, 6) == [200] * 6
        assert fail(two, 6) == [200] * 4 + [429] * 2
    keys = redis.Redis.from_url(url).keys(f"*{prefix}*")
    assert keys, "the counters live in Redis"
