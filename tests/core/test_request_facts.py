"""What a logged-in request reads once: the user with their roles, groups and the
plugins programmes disabled, in one statement. None of it may outlive a write,
whoever makes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g

from core.auth import load_user, logins
from core.extensions import db
from core.models import GroupMember, ProgrammePlugin
from core.permissions import group_ids, role_in
from core.plugins import registry


def _token(user) -> str:  # noqa: ANN001
    """What the session cookie holds after the id: the account token and the key of
    an open session."""
    key = logins.open_session(user)
    db.session.commit()
    return f"{user.session_token}:{key}"


@contextmanager
def _request(app) -> Iterator[None]:  # noqa: ANN001
    """A request context with a fresh ``g`` (the tests hold one app context open)."""
    with app.test_request_context("/"):
        for key in list(vars(g)):
            delattr(g, key)
        yield


def test_user_roles_and_groups_come_in_one_statement(app, world, queries):
    pid, gid, mentor = world["programme"].id, world["group_a"].id, world["mentor_a"]
    uid, token = mentor.id, _token(mentor)
    with _request(app):
        with queries() as q:
            user = load_user(uid, token)
            assert role_in(user, pid) == "mentor"
            assert group_ids(user, pid) == frozenset({gid})
            assert group_ids(user, pid + 1000) == frozenset()
            assert role_in(user, pid + 1000) is None
            assert registry().disabled_in(pid) == frozenset()
        assert q.count == 1, q.statements


def test_a_user_without_memberships_or_groups(app, world, queries):
    outsider, pid = world["outsider"], world["programme"].id
    uid, token = outsider.id, _token(outsider)
    with _request(app):
        with queries() as q:
            user = load_user(uid, token)
            assert role_in(user, pid) is None
            assert group_ids(user, pid) == frozenset()
        assert q.count == 1


def test_a_wrong_token_or_an_inactive_user_is_not_loaded(app, world):
    mentee = world["mentee_a"]
    with _request(app):
        assert load_user(mentee.id, "not-the-token") is None
        assert load_user(999_999, "x") is None
    db.session.get(type(mentee), mentee.id).active = False
    db.session.commit()
    with _request(app):
        assert load_user(mentee.id, _token(mentee)) is None


def test_disabled_plugins_come_with_the_user(app, world, queries):
    pid, mentee = world["programme"].id, world["mentee_a"]
    db.session.add(ProgrammePlugin(programme_id=pid, plugin="forum", enabled=False))
    db.session.commit()
    uid, token = mentee.id, _token(mentee)
    with _request(app):
        with queries() as q:
            load_user(uid, token)
            assert registry().disabled_in(pid) == frozenset({"forum"})
            assert registry().is_enabled(pid + 1000, "forum")
        assert q.count == 1, q.statements


def test_no_counter_table_is_left(app):
    """The page cache's counter is gone from the models (core0005 drops the table)."""
    assert "change_counter" not in db.metadata.tables


def test_a_plugin_disabled_from_another_connection_is_gone_on_the_next_page(app, world,
                                                                           login_as, make):
    prog = world["programme"]
    forum = make.activity(prog, "forum", title="Talk here")
    c = login_as(world["mentee_a"])
    assert "Talk here" in c.get(f"/p/{prog.id}").get_data(as_text=True)
    assert "Talk here" in c.get(f"/p/{prog.id}").get_data(as_text=True)
    with db.engine.begin() as conn:
        conn.execute(ProgrammePlugin.__table__.insert().values(
            programme_id=prog.id, plugin="forum", enabled=False))
    assert "Talk here" not in c.get(f"/p/{prog.id}").get_data(as_text=True)
    assert c.get(f"/activity/{forum.id}").status_code == 404


def test_leaving_a_group_from_another_connection_closes_it_on_the_next_request(app, world,
                                                                             login_as):
    group = world["group_a"]
    c = login_as(world["mentee_a"])
    assert c.get(f"/groups/{group.id}").status_code == 200
    assert c.get(f"/groups/{group.id}").status_code == 200
    with db.engine.begin() as conn:
        conn.execute(GroupMember.__table__.delete().where(
            GroupMember.user_id == world["mentee_a"].id))
    assert c.get(f"/groups/{group.id}").status_code == 404
