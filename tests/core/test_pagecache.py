"""The page cache: hits only while nothing was written, per user, never past a
permission check; every kind of write (ORM, bulk SQL, another connection) ends it."""

from __future__ import annotations

import time

from sqlalchemy import text, update

from core.extensions import db
from core.models import Membership, Programme
from core.pagecache import PageStore, current_version


def _get(client, path: str):
    resp = client.get(path)
    assert resp.status_code == 200, resp.status_code
    return resp


def test_second_visit_is_served_from_the_cache_with_fewer_queries(app, world, login_as,
                                                                   queries):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    first = _get(c, f"/p/{prog.id}")
    assert "X-Page-Cache" not in first.headers
    with queries() as q:
        second = _get(c, f"/p/{prog.id}")
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    # one statement: the user with their roles, groups and the change counter
    assert q.count == 1, q.statements
    assert second.headers["Cache-Control"].startswith("no-store")
    assert "Content-Security-Policy" in second.headers


def test_an_orm_write_makes_the_next_visit_a_miss_with_fresh_content(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    _get(c, f"/p/{prog.id}")
    _get(c, f"/p/{prog.id}")
    before = current_version()
    db.session.get(Programme, prog.id).title = "Renamed programme"
    db.session.commit()
    assert current_version() == before + 1
    resp = _get(c, f"/p/{prog.id}")
    assert "X-Page-Cache" not in resp.headers
    assert "Renamed programme" in resp.get_data(as_text=True)


def test_bulk_sql_and_other_connections_also_invalidate(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    _get(c, "/dashboard")
    db.session.execute(update(Programme).where(Programme.id == prog.id)
                       .values(title="Bulk title"))
    db.session.commit()
    assert "Bulk title" in _get(c, "/dashboard").get_data(as_text=True)
    _get(c, "/dashboard")
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE programme SET title = 'Raw title' WHERE id = :id"),
                     {"id": prog.id})
    resp = _get(c, "/dashboard")
    assert "X-Page-Cache" not in resp.headers
    assert "Raw title" in resp.get_data(as_text=True)


def test_a_rolled_back_write_changes_nothing(app, world, login_as):
    c = login_as(world["mentee_a"])
    _get(c, "/dashboard")
    before = current_version()
    db.session.execute(update(Programme).values(title="Never saved"))
    db.session.rollback()
    assert current_version() == before
    assert _get(c, "/dashboard").headers["X-Page-Cache"] == "hit"


def test_pages_are_per_user(app, world, login_as):
    prog = world["programme"]
    a = login_as(world["mentee_a"])
    b = login_as(world["mentee_b"])
    page_a = _get(a, "/dashboard").get_data(as_text=True)
    _get(a, "/dashboard")
    page_b = _get(b, "/dashboard")
    assert "X-Page-Cache" not in page_b.headers
    assert "Mentee B" in page_b.get_data(as_text=True)
    assert "Mentee B" not in page_a
    assert _get(a, f"/p/{prog.id}").status_code == 200


def test_the_permission_check_runs_before_the_cache(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    _get(c, f"/p/{prog.id}")
    assert _get(c, f"/p/{prog.id}").headers["X-Page-Cache"] == "hit"
    membership = db.session.scalar(db.select(Membership).where(
        Membership.user_id == world["mentee_a"].id))
    db.session.delete(membership)
    db.session.commit()
    assert c.get(f"/p/{prog.id}").status_code == 404


def test_a_page_showing_a_flash_message_is_not_cached(app, world, login_as):
    c = login_as(world["mentee_a"])
    with c.session_transaction() as sess:
        sess["_flashes"] = [("success", "Saved for you")]
    first = _get(c, "/dashboard")
    assert "Saved for you" in first.get_data(as_text=True)
    second = _get(c, "/dashboard")
    assert "X-Page-Cache" not in second.headers
    assert "Saved for you" not in second.get_data(as_text=True)


def test_the_cache_can_be_switched_off(app, world, login_as):
    c = login_as(world["mentee_a"])
    app.config["PAGE_CACHE_SECONDS"] = 0
    try:
        _get(c, "/dashboard")
        assert "X-Page-Cache" not in _get(c, "/dashboard").headers
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 30


def test_store_expires_evicts_and_checks_versions():
    store = PageStore(max_bytes=4000)
    store.put(("a",), 1, 60, b"x" * 900, "text/html")
    assert store.get(("a",), 1) == (b"x" * 900, "text/html")
    assert store.get(("a",), 2) is None and store.get(("a",), 1) is None  # dropped
    store.put(("old",), 1, -1, b"y", "text/html")
    assert store.get(("old",), 1) is None
    for i in range(6):
        store.put((i,), 1, 60, bytes(900), "text/html")
        time.sleep(0)
    assert store.size <= 4000
    assert store.get((0,), 1) is None and store.get((5,), 1) is not None
    store.put(("big",), 1, 60, bytes(2000), "text/html")  # over a quarter: not kept
    assert store.get(("big",), 1) is None
