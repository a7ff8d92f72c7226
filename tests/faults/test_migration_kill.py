"""``ementoring init`` killed with SIGKILL in the middle of a multi-table plugin
migration: the next ``ementoring init`` must succeed and leave the whole schema.

The kill is deterministic: the init process runs the real command with one SQLAlchemy
listener added by this test, which sends SIGKILL to its own process just before the
second table of the matching plugin's first migration is created (the first one,
``matching_competence``, is already there by then)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import ROOT

pytestmark = pytest.mark.faults

KILL_BEFORE = "CREATE TABLE matching_offer"

KILLED_INIT = f"""
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "before_cursor_execute")
def _die(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().startswith({KILL_BEFORE!r}):
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

from core.cli import main
sys.argv = ["ementoring", "init", "--no-admin"]
main()
"""

SCHEMA_CHECK = """
import json
from alembic.script import ScriptDirectory
from flask_migrate import Migrate
from sqlalchemy import inspect, text
from core import create_app
from core.extensions import db

app = create_app()
with app.app_context():
    config = app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    existing = set(inspect(db.engine).get_table_names())
    wanted = {t.name for t in db.metadata.sorted_tables}
    with db.engine.connect() as conn:
        current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    print(json.dumps({"missing": sorted(wanted - existing),
                      "heads_missing": sorted(heads - current)}))
"""


def _fresh_database(tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or a new PostgreSQL database next to the
    one in ``DATABASE_URL``."""
    url = os.environ.get("DATABASE_URL")
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'site.sqlite'}"
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)
                    if url.startswith("postgresql://") else url)
    name = f"{base.database}_migration_kill"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, EMENTORING_INSTANCE=str(tmp_path / "instance"),
               STORAGE_DIR=str(tmp_path / "files"), SECRET_KEY="migration-kill-test",
               PYTHONUNBUFFERED="1")
    return env


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def _tables(database_url: str) -> set[str]:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
            else:
                rows = conn.execute(text("SELECT tablename FROM pg_tables "
                                         "WHERE schemaname = current_schema()"))
            return {r[0] for r in rows}
    finally:
        engine.dispose()


def test_init_killed_mid_migration_recovers(tmp_path: Path) -> None:
    database_url = _fresh_database(tmp_path)
    env = _env(tmp_path, database_url)

    killed = _run(KILLED_INIT, env)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    # the kill came in the middle of the matching migration: nothing of it is kept
    tables = _tables(database_url)
    assert "activity" in tables  # the core migrations before it were kept
    half_done = "matching_competence" in tables

    again = _run("import sys; from core.cli import main; "
                 "sys.argv = ['ementoring', 'init', '--no-admin']; main()", env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Database is up to date." in again.stdout

    check = _run(SCHEMA_CHECK, env)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout.strip().splitlines()[-1])
    assert report == {"missing": [], "heads_missing": []}
    assert not half_done, "the killed migration left part of its tables behind"
