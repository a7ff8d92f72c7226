"""Two writers in different programmes never wait for each other: no row that every
write transaction must lock (as the page cache's change counter was)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from core.extensions import db
from core.models import Section


def test_a_write_in_one_programme_does_not_wait_for_an_open_one_in_another(
        app, world, make, login_as):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: writers always wait for each other")
    prog_a = world["programme"]
    prog_b = make.programme()
    manager_b = make.member(prog_b, "manager", name="Manager B")
    db.session.commit()
    client = login_as(manager_b)
    a_id, b_id = prog_a.id, prog_b.id

    held = db.engine.connect()
    held.begin()
    held.execute(text("UPDATE programme SET title = 'Held open' WHERE id = :id"), {"id": a_id})
    held.execute(text("UPDATE mentoring_group SET name = 'Held' WHERE programme_id = :id"),
                 {"id": a_id})
    result: dict = {}

    def write_in_b() -> None:
        result["status"] = client.post(f"/p/{b_id}/sections/new", data={
            "title": "Written in B", "summary": "", "visible": "y"}).status_code

    writer = threading.Thread(target=write_in_b, daemon=True)
    writer.start()
    waited = False
    try:
        deadline = time.monotonic() + 30  # a bound for the test, not a measured time
        with db.engine.connect() as watch:
            while writer.is_alive() and time.monotonic() < deadline:
                waiting = watch.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'")).scalar()
                watch.rollback()
                if waiting:
                    waited = True
                    break
                writer.join(0.05)
    finally:
        held.rollback()
        held.close()
        writer.join(30)
    assert not waited, "the write in programme B waited for the open transaction in A"
    assert result.get("status") == 302
    assert db.session.scalar(db.select(Section.title).where(
        Section.programme_id == b_id, Section.title == "Written in B")) == "Written in B"
