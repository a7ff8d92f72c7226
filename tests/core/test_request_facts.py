"""What a logged-in request reads once: the user with their roles, groups and the
change counter in one statement, and facts kept in the process while the counter
stands still. None of it may outlive a write, whoever makes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from sqlalchemy import text

from core.auth import load_user, logins
from core.extensions import db
from core.models import GroupMember, ProgrammePlugin
from core.pagecache import VersionedFacts, current_version, known_version
from core.permissions import group_ids, role_in


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


def test_user_roles_groups_and_counter_come_in_one_statement(app, world, queries):
    pid, gid, mentor = world["programme"].id, world["group_a"].id, world["mentor_a"]
    uid, token = mentor.id, _token(mentor)
    with _request(app):
        with queries() as q:
            user = load_user(uid, token)
            assert role_in(user, pid) == "mentor"
            assert group_ids(user, pid) == frozenset({gid})
            assert group_ids(user, pid + 1000) == frozenset()
            assert role_in(user, pid + 1000) is None
            assert known_version() == current_version()
        assert q.count == 2, q.statements  # the user's statement, then current_version's


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


def test_a_write_in_the_request_forgets_the_remembered_counter(app, world):
    mentee = world["mentee_a"]
    with _request(app):
        load_user(mentee.id, _token(mentee))
        assert known_version() is not None
        db.session.execute(text("UPDATE programme SET title = 'x' WHERE id = :id"),
                           {"id": world["programme"].id})
        assert known_version() is None
        db.session.rollback()


def test_versioned_facts_are_kept_only_while_nothing_is_written(app, world):
    facts = VersionedFacts()
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    mentee = world["mentee_a"]
    token = _token(mentee)  # opening the session is a write: before counting
    with _request(app):  # anonymous: nothing remembered, always read
        assert facts.get("k", load) == 1 and facts.get("k", load) == 2
    with _request(app):
        load_user(mentee.id, token)
        assert facts.get("k", load) == 3
    with _request(app):
        load_user(mentee.id, token)
        assert facts.get("k", load) == 3  # kept: the counter has not moved
    with db.engine.begin() as conn:  # another connection writes
        conn.execute(text("UPDATE programme SET title = 'y' WHERE id = :id"),
                     {"id": world["programme"].id})
    with _request(app):
        load_user(mentee.id, token)
        assert facts.get("k", load) == 4
        db.session.execute(text("UPDATE programme SET title = 'z' WHERE id = :id"),
                           {"id": world["programme"].id})
        assert facts.get("other", load) == 5  # written in this request: not kept
        db.session.commit()
    with _request(app):
        load_user(mentee.id, token)
        assert facts.get("other", load) == 6
        facts.clear()
        assert facts.get("other", load) == 7


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
