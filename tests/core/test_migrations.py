"""Migrations apply on empty SQLite and PostgreSQL databases and match the models."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from core import create_app
from core.extensions import db
from tests.conftest import base_config

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _migrate_and_compare(tmp_path, uri: str) -> None:
    mapp = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with mapp.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "programme", "activity", "event", "alembic_version"} <= tables
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False})
            diffs = [d for d in compare_metadata(ctx, db.metadata)
                     if not (isinstance(d, tuple) and d[0] == "remove_table"
                             and d[1].name == "alembic_version")]
        assert diffs == [], f"models and migrations differ: {diffs[:5]}"
        upgrade(revision="heads")  # idempotent
        db.session.remove()
        db.engine.dispose()


def test_migrations_on_empty_sqlite(tmp_path):
    _migrate_and_compare(tmp_path, f"sqlite:///{tmp_path / 'migrated.sqlite'}")


def _postgres_available() -> bool:
    try:
        engine = create_engine(f"{PG_SERVER}/postgres", connect_args={"connect_timeout": 2})
        with engine.connect():
            return True
    except Exception:
        return False


@pytest.mark.skipif(not (os.environ.get("DATABASE_URL", "").startswith("postgres")
                         or _postgres_available()),
                    reason="no PostgreSQL server on 127.0.0.1:5432")
def test_migrations_on_empty_postgresql(tmp_path):
    name = f"ementoring_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _migrate_and_compare(tmp_path, f"{PG_SERVER}/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
