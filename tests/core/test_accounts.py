"""Accounts: login, lockout, sessions, password change and reset, invitations, CSRF."""

from __future__ import annotations

import re

import pytest

from core import create_app
from core.auth import passwords
from core.extensions import db
from core.models import GroupMember, Invitation, LoginThrottle, Membership, User
from tests.conftest import base_config
from tests.factories import PASSWORD, login


def test_login_succeeds_and_logout_needs_post(app, client, make):
    user = make.user()
    resp = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_and_unknown_account_answer_alike(app, client, make):
    user = make.user()
    bad = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 9})
    assert bad.status_code == unknown.status_code == 200
    msg = "The e-mail address or password is not right."
    assert msg in bad.get_data(as_text=True) and msg in unknown.get_data(as_text=True)


@pytest.mark.parametrize("known", [True, False])
def test_lockout_after_repeated_failures(app, client, make, known):
    user = make.user()
    email = user.email if known else "ghost@example.org"
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": email, "password": "wrong-password"})
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    assert resp.status_code == 429
    assert "Too many failed attempts" in resp.get_data(as_text=True)
    assert db.session.get(LoginThrottle, (email, "127.0.0.1")).locked_until is not None


def test_login_gives_a_new_session(app, client, make):
    user = make.user()
    client.get("/login")
    with client.session_transaction() as s:
        s["planted"] = "by-attacker"
    login(client, user)
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s.get("sid")


def test_redirect_after_login_stays_on_site(app, client, make):
    user = make.user()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        c = app.test_client()
        resp = c.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
        assert resp.headers["Location"] in ("/dashboard", "http://localhost/dashboard"), target
    c = app.test_client()
    resp = c.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/profile"})
    assert resp.headers["Location"].endswith("/profile")


def test_password_change_ends_other_sessions(app, make, login_as):
    user = make.user()
    first, second = login_as(user), login_as(user)
    new = "a brand new passphrase"
    resp = first.post("/password", data={"current": PASSWORD, "password": new, "confirm": new})
    assert resp.status_code == 302
    assert first.get("/dashboard").status_code == 200
    assert second.get("/dashboard").status_code == 302  # logged out
    assert passwords.check_password(db.session.get(User, user.id).password_hash, new)


def test_password_change_refuses_wrong_current_and_weak_new(app, make, login_as):
    user = make.user()
    c = login_as(user)
    resp = c.post("/password", data={"current": "nope-nope", "password": "another pass phrase",
                                     "confirm": "another pass phrase"})
    assert "The current password is not right." in resp.get_data(as_text=True)
    resp = c.post("/password", data={"current": PASSWORD, "password": "password123",
                                     "confirm": "password123"})
    assert "too common" in resp.get_data(as_text=True)


def test_password_policy(app):
    with app.test_request_context():
        assert passwords.policy_errors("short1")
        assert passwords.policy_errors("12345678")
        assert passwords.policy_errors("aaaaaaaaaaaa")
        assert passwords.policy_errors("correct-horse-battery") == []
        assert passwords.policy_errors("žluťoučký kůň úpěl ďábelské ódy") == []


def test_long_unicode_password_is_used_whole(app):
    long_pw = "Příliš žluťoučký kůň úpěl ďábelské ódy " * 8 + "Ω"
    with app.test_request_context():
        h = passwords.hash_password(long_pw)
        assert passwords.check_password(h, long_pw)
        assert not passwords.check_password(h, long_pw[:-1])
        assert not passwords.check_password(h, long_pw[:72])


def _link(text: str) -> str:
    return re.search(r"http://\S+", text).group(0)


def test_password_reset_by_mail_is_single_use(app, client, make, smtp):
    user = make.user()
    resp = client.post("/password/reset", data={"email": user.email})
    unknown = client.post("/password/reset", data={"email": "nobody@example.org"})
    assert resp.status_code == unknown.status_code == 302
    smtp.wait(1)
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == user.email
    link = _link(smtp.body(smtp.messages[0]))
    path = link.split("localhost", 1)[1]
    new = "my new secret phrase"
    resp = client.post(path, data={"password": new, "confirm": new})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    again = app.test_client().post(path, data={"password": "other phrase 123",
                                                "confirm": "other phrase 123"})
    assert again.status_code == 302 and "/password/reset" in again.headers["Location"]
    assert passwords.check_password(db.session.get(User, user.id).password_hash, new)


def test_expired_reset_token_is_refused(app, client, make):
    from core.auth.tokens import reset_token, user_from_reset_token

    user = make.user()
    with app.test_request_context():
        token = reset_token(user)
        assert user_from_reset_token(token).id == user.id
        app.config["RESET_TOKEN_MAX_AGE"] = -1
        try:
            assert user_from_reset_token(token) is None
        finally:
            app.config["RESET_TOKEN_MAX_AGE"] = 3600


def test_invitation_creates_account_and_joins(app, world, login_as, smtp):
    prog, manager, group = world["programme"], world["manager"], world["group_a"]
    c = login_as(manager)
    resp = c.post(f"/p/{prog.id}/invite", data={"email": "New.Person@Example.org",
                                                "role": "mentee", "group_id": group.id})
    assert resp.status_code == 302
    smtp.wait(1)
    msg = smtp.to("new.person@example.org")[0]
    path = _link(smtp.body(msg)).split("localhost", 1)[1]
    guest = app.test_client()
    assert guest.get(path).status_code == 200
    resp = guest.post(path, data={"display_name": "New Person", "password": "a fine passphrase",
                                  "confirm": "a fine passphrase"})
    assert resp.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.person@example.org"))
    assert db.session.scalar(db.select(Membership.role).where(Membership.user_id == user.id)) \
        == "mentee"
    assert db.session.get(GroupMember, (group.id, user.id)) is not None
    assert guest.get(path).status_code == 404  # used
    assert db.session.scalar(db.select(Invitation)).accepted_at is not None


def test_mentee_cannot_invite(app, world, login_as):
    c = login_as(world["mentee_a"])
    resp = c.post(f"/p/{world['programme'].id}/invite",
                  data={"email": "x@example.org", "role": "manager"})
    assert resp.status_code == 404
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0


def test_csrf_is_required_on_forms(tmp_path, app):
    csrf_app = create_app(base_config(tmp_path, WTF_CSRF_ENABLED=True,
                                      SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]))
    c = csrf_app.test_client()
    resp = c.post("/login", data={"email": "a@example.org", "password": "whatever-it-is"})
    assert resp.status_code == 400
    page = c.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_session_cookie_flags(app, client, make):
    user = make.user()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development
    secure = app.test_client().post("/login", base_url="https://localhost",
                                    data={"email": user.email, "password": PASSWORD})
    assert secure.status_code == 302
    assert "; Secure" in secure.headers["Set-Cookie"]
    behind_proxy = app.test_client().post(
        "/login", headers={"X-Forwarded-Proto": "https"},
        data={"email": user.email, "password": PASSWORD})
    # the app trusts no proxy header itself: gunicorn's forwarded_allow_ips decides
    assert "; Secure" not in behind_proxy.headers["Set-Cookie"]
