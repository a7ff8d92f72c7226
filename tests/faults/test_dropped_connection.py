"""A pooled database connection that the server dropped (no ping before checkout):
a page request meeting it is answered with a retry, and the retry is served."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import pytest

from core.extensions import db

pytestmark = pytest.mark.faults


def _drop_other_connections() -> int:
    """Terminate every other connection to the test database, as a restarted server or
    a proxy's idle timeout would; returns how many were dropped."""
    url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        return conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


def test_a_page_meeting_a_dropped_connection_is_retried(app, world, login_as):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file has no server that drops connections")
    prog = world["programme"]
    client = login_as(world["mentee_a"])
    assert client.get(f"/p/{prog.id}").status_code == 200
    db.session.remove()
    assert _drop_other_connections() >= 1
    first = client.get(f"/p/{prog.id}")
    assert first.status_code == 307
    assert urlsplit(first.headers["Location"]).path == f"/p/{prog.id}"
    again = client.get(first.headers["Location"])
    assert again.status_code == 200
    assert prog.title in again.get_data(as_text=True)
