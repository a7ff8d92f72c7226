"""Security events reach the ``ementoring.security`` logger, one structured line
each (event, outcome, user, ip…), never a password, and no value can forge a
second line."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from core.extensions import db
from core.models import Membership
from core.securitylog import security_event
from tests.factories import PASSWORD, login
from tests.security.accounts import reset_path

LOGGER = "ementoring.security"
FIELD = re.compile(r'([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)')
NEW = "a different long phrase 42"


def events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The security log lines captured so far, parsed; each must be one line."""
    found = []
    for record in caplog.records:
        if record.name != LOGGER:
            continue
        line = record.getMessage()
        assert "\n" not in line and "\r" not in line, line
        fields = {k: json.loads(v) if v.startswith('"') else v for k, v in FIELD.findall(line)}
        found.append(fields)
    return found


def one(caplog: pytest.LogCaptureFixture, event: str) -> dict[str, Any]:
    matching = [e for e in events(caplog) if e.get("event") == event]
    assert len(matching) == 1, (event, events(caplog))
    return matching[0]


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


def test_logins_failed_and_successful(app, make, log):
    user = make.user()
    c = app.test_client()
    c.post("/login", data={"email": user.email, "password": "wrong-secret-x"})
    failed = one(log, "login.failed")
    assert failed["outcome"] == "failure" and failed["user"] == str(user.id)
    assert failed["ip"] == "127.0.0.1" and failed["email"] == user.email
    login(c, user)
    assert one(log, "login.success")["user"] == str(user.id)
    c.post("/logout")
    assert one(log, "logout")["user"] == str(user.id)
    text = "\n".join(r.getMessage() for r in log.records)
    assert "wrong-secret-x" not in text and PASSWORD not in text


def test_throttling_and_password_changes(app, make, log):
    user = make.user()
    c = app.test_client()
    login(c, user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        c.post("/password", data={"current": "wrong-secret-y", "password": NEW, "confirm": NEW})
    assert len([e for e in events(log) if e["event"] == "password.failed"]) == 5
    throttled = one(log, "password.throttled")
    assert throttled["outcome"] == "throttled" and throttled["user"] == str(user.id)
    assert throttled["wait"] == str(app.config["LOGIN_DELAY_SECONDS"])
    log.clear()
    app.test_client().post("/password/reset", data={"email": user.email})
    requested = one(log, "reset.requested")
    assert requested["user"] == str(user.id) and requested["outcome"] == "success"


def test_reset_used_and_password_changed(app, make, log, smtp):
    user = make.user()
    c = app.test_client()
    c.post("/password/reset", data={"email": user.email})
    c.post(reset_path(smtp), data={"password": NEW, "confirm": NEW})
    assert one(log, "reset.used")["user"] == str(user.id)
    c.post("/password", data={"current": NEW, "password": "yet another fine phrase",
                              "confirm": "yet another fine phrase"})
    assert one(log, "password.changed")["user"] == str(user.id)


def test_permission_denials(app, world, login_as, log):
    mentee, pid = world["mentee_a"], world["programme"].id
    c = login_as(mentee)
    assert c.get(f"/p/{pid}/plugins").status_code == 404
    denied = one(log, "permission.denied")
    assert denied["outcome"] == "denied" and denied["user"] == str(mentee.id)
    assert denied["capability"] == "core.manage_plugins" and denied["status"] == "404"
    assert denied["programme"] == str(pid) and denied["path"] == f"/p/{pid}/plugins"
    log.clear()
    assert c.get("/admin/").status_code == 403
    denied = one(log, "permission.denied")
    assert denied["capability"] == "core.admin" and denied["status"] == "403"


def test_roles_plugins_exports_and_erasures(app, world, login_as, log):
    pid, mentee, admin = world["programme"].id, world["mentee_a"], world["admin"]
    membership = db.session.scalar(db.select(Membership).where(
        Membership.user_id == mentee.id, Membership.programme_id == pid))
    manager = login_as(world["manager"])
    manager.post(f"/p/{pid}/members/{membership.id}/role", data={"role": "mentor"})
    changed = one(log, "role.changed")
    assert (changed["subject"], changed["old"], changed["new"]) == (str(mentee.id), "mentee",
                                                                    "mentor")
    assert changed["user"] == str(world["manager"].id)
    boss = login_as(admin)
    boss.post(f"/p/{pid}/plugins", data={"plugin": "forum", "enabled": "0"})
    assert one(log, "plugin.disabled")["plugin"] == "forum"
    boss.post(f"/p/{pid}/plugins", data={"plugin": "forum", "enabled": "1"})
    assert one(log, "plugin.enabled")["user"] == str(admin.id)
    assert login_as(mentee).get("/profile/export").status_code == 200
    assert one(log, "data.exported")["subject"] == str(mentee.id)
    boss.post(f"/admin/users/{mentee.id}/erase")
    erased = one(log, "account.erased")
    assert erased["subject"] == str(mentee.id) and erased["user"] == str(admin.id)


def test_a_crlf_in_a_value_cannot_forge_a_line(app, log):
    forged = "x@example.org\r\nevent=login.success outcome=success user=1"
    with app.test_request_context("/login"):
        security_event("login.failed", "failure", email=forged)
    (line,) = [r.getMessage() for r in log.records if r.name == LOGGER]
    assert "\r" not in line and "\n" not in line
    assert one(log, "login.failed")["email"] == forged  # kept whole, escaped
    assert [e["event"] for e in events(log)] == ["login.failed"]


def test_a_crlf_typed_into_the_login_form_stays_on_one_line(app, log):
    forged = "x@example.org\r\nevent=login.success outcome=success user=1"
    app.test_client().post("/login", data={"email": forged, "password": "whatever-it-is"})
    app.test_client().post("/password/reset", data={"email": forged})
    assert all(e["event"] != "login.success" for e in events(log))
