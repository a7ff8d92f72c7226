"""One throttle behind every password check: the login and the change-password form
count toward the same waits; waits grow per address *and* client, so a stranger
elsewhere cannot lock the owner out; the lock over all clients is lifted by a
reset link; and simultaneous attempts (issue 21) never give a 500."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from core.extensions import db
from core.models import LoginThrottle, utcnow
from tests.conftest import run_server
from tests.factories import PASSWORD, login
from tests.security.accounts import client_at, form_token, reset_path

ROOT = Path(__file__).resolve().parents[2]
WRONG = "not-the-password"
def _login(c: Any, email: str, password: str) -> Any:
    return c.post("/login", data={"email": email, "password": password})


def _rows(email: str) -> dict[str, LoginThrottle]:
    db.session.expire_all()
    return {row.ip: row for row in db.session.execute(
        db.select(LoginThrottle).where(LoginThrottle.email == email)).scalars()}


def _failures(email: str) -> int:
    """The count over all clients (the throttle's own record)."""
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.max(LoginThrottle.failures)).where(
        LoginThrottle.email == email))


@pytest.fixture
def settings(app) -> Iterator[dict[str, Any]]:
    """The app's configuration, restored after the test."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


def test_every_password_check_goes_through_the_throttle():
    """The class: no code outside the throttle compares a password with its hash."""
    callers = []
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("plugins/**/*.py")]:
        text = path.read_text()
        if re.search(r"\bcheck_password(_hash)?\(", text):
            callers.append(path.relative_to(ROOT).as_posix())
    assert sorted(callers) == ["core/auth/passwords.py", "core/auth/throttle.py"], callers


def test_wrong_current_passwords_are_throttled_like_logins(app, make):
    user = make.user()
    c = client_at(app)
    login(c, user)
    free = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(free - 1):
        resp = c.post("/password", data={"current": WRONG, "password": "a new fine phrase 7",
                                         "confirm": "a new fine phrase 7"})
        assert resp.status_code == 200
    assert _login(client_at(app), user.email, WRONG).status_code == 200  # shared count
    resp = c.post("/password", data={"current": PASSWORD, "password": "a new fine phrase 7",
                                     "confirm": "a new fine phrase 7"})
    assert resp.status_code == 429
    assert "Too many failed attempts" in resp.get_data(as_text=True)
    assert _login(client_at(app), user.email, PASSWORD).status_code == 429


def test_waits_grow_per_client_and_spare_other_clients(app, make):
    user = make.user()
    attacker, owner = client_at(app, "198.51.100.7"), client_at(app, "203.0.113.5")
    free = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(free):
        _login(attacker, user.email, WRONG)
    waits = []
    for _ in range(3):
        row = _rows(user.email)["198.51.100.7"]
        waits.append(round((row.locked_until - row.updated_at).total_seconds()))
        assert _login(attacker, user.email, PASSWORD).status_code == 429
        row.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
        db.session.commit()
        _login(attacker, user.email, WRONG)
    first = app.config["LOGIN_DELAY_SECONDS"]
    assert waits == [first, first * 2, first * 4]
    assert _login(owner, user.email, PASSWORD).status_code == 302


def test_the_lock_over_all_clients_is_lifted_by_a_reset_link(app, make, smtp, settings):
    settings["LOGIN_ACCOUNT_MAX_FAILURES"] = 6
    user = make.user()
    for n in range(6):
        _login(client_at(app, f"192.0.2.{n + 1}"), user.email, WRONG)
    owner = client_at(app, "203.0.113.5")
    locked = _login(owner, user.email, PASSWORD)
    assert locked.status_code == 429
    assert "password reset link" in locked.get_data(as_text=True)
    owner.post("/password/reset", data={"email": user.email})
    new = "my brand new long phrase"
    assert owner.post(reset_path(smtp), data={"password": new, "confirm": new}).status_code \
        == 302
    assert _rows(user.email) == {}
    owner.post("/logout")
    assert _login(owner, user.email, new).status_code == 302


# --- simultaneous attempts against a real server (issue 21, defect 9) -------------


def _parallel_logins(base: str, email: str, password: str, n: int = 8) -> list[int]:
    """``n`` clients post the login form at the same moment; their status codes."""
    sessions, tokens = [], []
    for _ in range(n):
        s = requests.Session()
        tokens.append(form_token(s, f"{base}/login"))
        sessions.append(s)
    barrier, codes = threading.Barrier(n), [0] * n

    def go(i: int) -> None:
        barrier.wait()
        resp = sessions[i].post(f"{base}/login", data={
            "email": email, "password": password, "csrf_token": tokens[i]},
            allow_redirects=False, timeout=30)
        codes[i] = resp.status_code

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_simultaneous_first_logins_of_one_account(app, make):
    users = [make.user() for _ in range(3)]
    with run_server(app) as base:
        for user in users:  # each one's first login, eight browsers at once
            assert _parallel_logins(base, user.email, PASSWORD) == [302] * 8
        assert _parallel_logins(base, "first.time@example.org", WRONG) == [200] * 8
        assert _parallel_logins(base, users[0].email, WRONG, n=4) == [200] * 4
    assert _failures("first.time@example.org") == 8
    assert _failures(users[0].email) == 4
