"""A per-user cache of rendered pages that no write can make stale.

Every transaction that changes a row also bumps one counter row
(``change_counter``), in the same transaction. A cached page is stored with the
counter's value read *before* the view read anything, and is served only while
the counter still has that value, to the same user, in the same session, language
and theme, and for at most ``PAGE_CACHE_SECONDS`` (so that relative times and
dates move on). Any write anywhere, committed by any process, makes every cached
page a miss; nothing a user did can be missing from a page they get next.

Views opt in with ``@cached_page`` below their permission check, so that the
check runs on every request. Pages with pending flash messages are neither served
from nor stored in the cache.

A logged-in request reads the counter along with the user (``version_column``,
``remember_version``), so a cache hit costs that one statement. The same value
validates ``VersionedFacts``: small facts most pages need (which plugins a
programme disabled) kept in the process while nothing is written.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, has_app_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import column, event, inspect, select, table, text
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db
from core.themes import current_theme

COUNTER_TABLE = "change_counter"
_WRITES = ("insert", "update", "delete", "replace", "truncat")
_BUMP = f"UPDATE {COUNTER_TABLE} SET n = n + 1 WHERE id = 1"
_READ = f"SELECT n FROM {COUNTER_TABLE} WHERE id = 1"
_READY: set = set()  # engine URLs whose database has the counter table
_CHECKED: dict = {}  # engine URL: when the table was last looked for in vain


class PageStore:
    """A bounded, thread-safe LRU of rendered pages in this process."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[tuple, tuple[int, float, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, version: int) -> tuple[bytes, str] | None:
        """The page stored under ``key`` for ``version``, if still fresh."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            stored_version, expires, body, mimetype = item
            if stored_version != version or expires < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return body, mimetype

    def put(self, key: tuple, version: int, ttl: float, body: bytes, mimetype: str) -> None:
        """Store a page; evict the least recently used ones beyond the size bound."""
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            self._drop(key)
            self._items[key] = (version, time.monotonic() + ttl, body, mimetype)
            self.size += len(body)
            while self.size > self.max_bytes and self._items:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._items.clear()
            self.size = 0

    def _drop(self, key: tuple) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self.size -= len(item[2])


def install(app: Flask) -> None:
    """Bump the change counter with every writing transaction of the app's engine.

    Counting starts once the counter table is known to exist (now, or when a page
    first reads the counter), so that migrations creating it are not disturbed.
    """
    app.extensions["ementoring.pages"] = PageStore(app.config["PAGE_CACHE_MAX_MB"] << 20)
    with app.app_context():
        engine = db.engine
        try:
            ready = inspect(engine).has_table(COUNTER_TABLE)
        except SQLAlchemyError:
            ready = False
    if ready:
        _READY.add(engine.url)
    if not event.contains(engine, "after_cursor_execute", _count_write):
        event.listen(engine, "after_cursor_execute", _count_write)
        for name in ("commit", "rollback", "rollback_savepoint"):
            event.listen(engine, name, _forget_bump)


def _count_write(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any,
                 _executemany: bool) -> None:
    if conn.info.get("ementoring_bumped"):
        return
    head = statement.lstrip()[:8].lower()
    if not head.startswith(_WRITES) or COUNTER_TABLE in statement[:60]:
        return
    if conn.engine.url not in _READY or "alembic_version" in statement[:40]:
        return
    conn.info["ementoring_bumped"] = True
    if has_app_context():  # this request's remembered value is out of date now
        g.pop("_page_version", None)
    # a cursor of its own: the statement's cursor may still hold rows or a rowcount
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(_BUMP)
    finally:
        cursor.close()


def _forget_bump(conn: Any, *_args: Any) -> None:
    conn.info.pop("ementoring_bumped", None)


_COUNTER = table(COUNTER_TABLE, column("id"), column("n"))
_VERSION = select(_COUNTER.c.n).where(_COUNTER.c.id == 1).scalar_subquery()


def version_column() -> Any:
    """The counter's value as a scalar subquery, for the first statement of a request
    (the user's) to read along; None while the database has no counter table.
    Pass what it read to ``remember_version``."""
    if db.engine.url not in _READY:
        return None
    return _VERSION


def remember_version(version: int | None) -> None:
    """Keep the counter value read by the request's first statement, so that
    ``request_version`` needs no statement of its own. Being read before anything a
    view reads, it is never newer than the data a page shows; a write made by this
    request after it forgets it (see ``_count_write``)."""
    if version is not None:
        g._page_version = version


def known_version() -> int | None:
    """The counter value remembered for this request, or None (not read along with
    the user, or this request has written since)."""
    return g.get("_page_version") if has_app_context() else None


class VersionedFacts:
    """Small facts read from the database (plain values, never ORM objects), kept in
    this process while the change counter keeps the value they were read under.

    A fact is labelled with the counter value remembered at the start of the request
    that read it, which is never newer than the fact; any later write anywhere moves
    the counter, so a fact is only reused while it is what the database would say.
    Without a remembered value (anonymous requests, a request that wrote) nothing is
    kept and every look-up reads. Only the facts of one counter value are kept.
    """

    MAX_ITEMS = 10_000

    def __init__(self) -> None:
        self._state: tuple[int | None, dict[Any, Any]] = (None, {})
        _ALL_FACTS.add(self)

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        """The fact under ``key``: kept if still current, else ``load()``."""
        version = known_version()
        if version is None:
            return load()
        kept_version, facts = self._state
        if kept_version == version and key in facts:
            return facts[key]
        value = load()
        if known_version() != version:  # written while loading: keep nothing
            return value
        if kept_version != version:
            facts = {}
            self._state = (version, facts)
        if len(facts) < self.MAX_ITEMS:
            facts[key] = value
        return value

    def clear(self) -> None:
        """Forget every fact."""
        self._state = (None, {})


_ALL_FACTS: weakref.WeakSet[VersionedFacts] = weakref.WeakSet()


def forget_facts() -> None:
    """Empty every ``VersionedFacts`` of this process (the next look-ups read)."""
    for facts in list(_ALL_FACTS):
        facts.clear()


def request_version() -> int | None:
    """The counter's value at the start of this request (read along with the user),
    else now (see ``current_version``)."""
    version = known_version()
    return version if version is not None else current_version()


def current_version() -> int | None:
    """The change counter's value now, or None when the counter is missing (a
    database not yet upgraded by ``ementoring init``)."""
    engine = db.engine
    if engine.url not in _READY:
        checked = _CHECKED.get(engine.url)
        if checked is not None and time.monotonic() - checked < 60:
            return None
        _CHECKED[engine.url] = time.monotonic()
        if not inspect(engine).has_table(COUNTER_TABLE):
            return None
    # on the session's own connection and transaction, without the ORM's overhead
    version = db.session.connection().exec_driver_sql(_READ).scalar()
    _READY.add(engine.url)
    return version


def ensure_counter() -> None:
    """Create the counter row if it is missing (a fresh or emptied database)."""
    if db.session.connection().exec_driver_sql(_READ).first() is None:
        # start past any value an emptied table had, so no old page matches
        start = time.time_ns() // 1_000_000
        db.session.execute(text(f"INSERT INTO {COUNTER_TABLE} (id, n) VALUES (1, :n)"),
                           {"n": start})
        db.session.commit()
        # a new row restarts the count: nothing kept under an old value may match
        forget_facts()
        store = current_app.extensions.get("ementoring.pages")
        if store is not None:
            store.clear()
    _READY.add(db.engine.url)


def _key() -> tuple:
    csrf = session.get("csrf_token") or ""
    return (
        current_user.get_id(), request.full_path, str(get_locale()), current_theme(),
        hashlib.blake2b(csrf.encode(), digest_size=8).digest(),
    )


def cached_page(view: Callable) -> Callable:
    """View decorator: serve the logged-in user's page from the cache while no write
    has happened since it was rendered (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        ttl = current_app.config["PAGE_CACHE_SECONDS"]
        if (ttl <= 0 or request.method != "GET" or not current_user.is_authenticated
                or session.get("_flashes")):
            return view(*args, **kwargs)
        version = request_version()
        if version is None:
            return view(*args, **kwargs)
        store: PageStore = current_app.extensions["ementoring.pages"]
        hit = store.get(_key(), version)
        if hit is not None:
            resp = current_app.response_class(hit[0], mimetype=hit[1])
            resp.headers["X-Page-Cache"] = "hit"
            return resp
        resp = make_response(view(*args, **kwargs))
        if (resp.status_code == 200 and resp.mimetype == "text/html" and not resp.is_streamed
                and not session.get("_flashes")):
            store.put(_key(), version, ttl, resp.get_data(), resp.mimetype)
        return resp

    return wrapped
