"""Shared fixtures: one app and database per run, emptied after every test; a real
SMTP server; a live server process; query counting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from core import create_app
from core.extensions import db, limiter
from tests.browser.fixtures import browser, page  # noqa: F401  (shared by every test package)
from tests.factories import Factory, login

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-key-not-for-production"


# rate-limit counters of this run apart from any other run sharing the same Redis;
# servers started by the tests inherit it
os.environ["RATELIMIT_KEY_PREFIX"] = f"test-{os.getpid()}-{time.time_ns()}"


def _worker_services() -> None:
    """Give each pytest-xdist worker its own PostgreSQL database and Redis database.

    Workers run at the same time; sharing one database (emptied after every test)
    or one Socket.IO channel would let one worker's test see another's rows and
    messages. ``gw0`` keeps the configured names with a suffix: ``test`` becomes
    ``test_gw0``, Redis ``/0`` becomes ``/8``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    n = int(worker.removeprefix("gw"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base = make_url(url)
        name = f"{base.database}_{worker}"
        admin = base.set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(hide_password=False),
                             autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (name,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = base.set(database=name).render_as_string(
            hide_password=False)
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        head, _, _db = redis_url.rpartition("/")
        os.environ["REDIS_URL"] = f"{head}/{8 + n}"


_worker_services()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fault tests (``@pytest.mark.faults``) kill real processes and are slow: they run
    only where they matter, in CI's second pass (``EMENTORING_FAULTS=1``)."""
    if os.environ.get("EMENTORING_FAULTS") == "1":
        return
    skip = pytest.mark.skip(reason="fault test: set EMENTORING_FAULTS=1 to run it")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(skip)


def _database_url(tmp: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite'}"


def base_config(tmp: Path, **extra: Any) -> dict[str, Any]:
    """Configuration for a test app; pass overrides as keywords."""
    cfg = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp),
        "STORAGE_DIR": str(tmp / "files"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
        "RATELIMIT_ENABLED": True,
    }
    cfg.update(extra)
    return cfg


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ementoring")


@pytest.fixture(scope="session")
def app(tmp_root: Path):
    from core.i18n import compile_catalogs

    application = create_app(base_config(tmp_root))
    isolate_requests(application)
    compile_catalogs(application.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"))
    with application.app_context():
        db.drop_all()
        # a revision stamped by an earlier run (``ementoring init`` in a test) would
        # make the next run's init try to upgrade a schema create_all already made
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
    yield application


def isolate_requests(application) -> None:
    """Give every test request a fresh ``g`` and session identity map.

    Tests hold an app context open; Flask's test client reuses it for requests,
    so without this, ``g`` (the logged-in user, permission caches) would leak
    from one request into the next.
    """
    from flask import g

    def _fresh() -> None:
        for key in list(vars(g)):
            delattr(g, key)
        db.session.expire_all()

    application.before_request_funcs.setdefault(None, []).insert(0, _fresh)


def empty_database() -> None:
    """Delete every row of every table (fast on SQLite and PostgreSQL)."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(request: pytest.FixtureRequest):
    if "app" not in request.fixturenames and not request.node.get_closest_marker("needs_app"):
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        with suppress(Exception):  # another test may have bound it to a dead Redis
            limiter.reset()  # request limits count per client; every test is 127.0.0.1
        yield
        db.session.remove()
        empty_database()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app) -> Factory:
    return Factory()


@pytest.fixture
def world(make: Factory) -> dict[str, Any]:
    return make.world()


@pytest.fixture
def login_as(app):
    """Return a function giving a fresh test client logged in as a user."""

    def _login(user: Any) -> Any:
        c = app.test_client()
        login(c, user)
        return c

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count SQL statements issued inside the block."""
    counter = QueryCounter()

    def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _before)


@pytest.fixture
def queries():
    return count_queries


# --- real SMTP server ----------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        from email import message_from_bytes
        from email.policy import default

        msg = message_from_bytes(envelope.content, policy=default)
        msg.envelope_rcpt = list(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if address in m.envelope_rcpt]

    def wait(self, n: int = 1, timeout: float = 5.0) -> list[Any]:
        deadline = time.time() + timeout
        while len(self.messages) < n and time.time() < deadline:
            time.sleep(0.02)
        return self.messages

    @staticmethod
    def body(msg: Any) -> str:
        part = msg.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""


@pytest.fixture
def smtp(app):
    """A real aiosmtpd server on localhost; the app sends its mail there."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield inbox
    finally:
        app.config.update(old)
        controller.stop()


# --- live server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


def server_env(app, **extra: str) -> dict[str, str]:
    """Environment for a server process sharing the test database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=app.config["SECRET_KEY"],
        EMENTORING_INSTANCE=app.config.get("INSTANCE_PATH") or app.instance_path,
        STORAGE_DIR=app.config["STORAGE_DIR"],
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def run_server(app, *args: str, port: int | None = None, **env: str) -> Iterator[str]:
    """Run ``ementoring run`` (or ``args``) in a subprocess; yield its base URL."""
    port = port or free_port()
    cmd = list(args) or [sys.executable, "-m", "core.cli", "run", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=server_env(app, **env), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def live_server(app):
    with run_server(app) as url:
        yield url


__all__ = ["login", "count_queries", "run_server", "free_port", "base_config"]
