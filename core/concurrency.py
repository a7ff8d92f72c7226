"""Optimistic concurrency for every form that edits an existing record.

The edit page puts the record's version in a hidden field. A save whose version is
no longer the record's, or that loses the race to another save, writes nothing: the
page answers 409 with the user's input still in the form, the current saved values
and what differs between the two, so that the user can merge and save again.

Two kinds of version, one mechanism (``save``):

* a row-wide counter (the ``Versioned`` mixin): SQLAlchemy adds it to every UPDATE
  of the row, so any change of the record makes an older form stale;
* for a record whose row also changes for reasons the form does not show (a user's
  last visit, a group's status set by a plugin), the version is derived from the
  fields the form edits: ``fingerprint`` hashes their current values, the page sends
  it in the same hidden field, and ``save(..., fields=[...])`` locks the row
  (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the write transaction, taken by a
  no-op UPDATE of the row), re-reads it, compares the fingerprint and applies the form
  before the commit releases the lock. A change of other columns of the row
  meanwhile is no conflict; a change of an edited field is one. No column is added.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import abort
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from wtforms import IntegerField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from core.extensions import db

CONFLICT_STATUS = 409


class EditConflict(Exception):
    """The record changed (or went) since the editor loaded it; nothing was written."""


class Versioned:
    """Model mixin: a ``version`` counter that SQLAlchemy checks and raises on every
    UPDATE of the row (``UPDATE … WHERE version = :loaded``), so a save that lost
    the race fails instead of overwriting."""

    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}


def status(conflict: list[Change] | None) -> int:
    """The status of an edit page: 409 after a conflict, else 200."""
    return 200 if conflict is None else CONFLICT_STATUS


def version_field() -> IntegerField:
    """The hidden form field carrying the version the editor loaded."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def check(current: int | None, submitted: int | None) -> None:
    """Raise ``EditConflict`` when the submitted version is not the current one.

    Every edit page sends its version; a post without one (a script) is checked
    only against saves that race it to the commit."""
    if submitted is not None and submitted != current:
        raise EditConflict


@contextmanager
def guarded(races: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Run the changes in the block and commit them. When a concurrent save won the
    race (a stale row version, or one of ``races``, such as the revision number it
    took), everything is rolled back and ``EditConflict`` raised."""
    try:
        yield
        db.session.commit()
    except (StaleDataError, *races) as err:
        db.session.rollback()
        raise EditConflict from err


def touch(record: Any) -> None:
    """Make the next flush UPDATE the record (and so check and raise its version)
    even when only rows that belong to it changed."""
    state = sa_inspect(record)
    if not state.persistent or db.session.is_modified(record, include_collections=False):
        return
    mapper = state.mapper
    keys = {c.key for c in mapper.primary_key} | {mapper.version_id_col.key}
    name = next(p.key for p in mapper.column_attrs if p.key not in keys)
    flag_modified(record, name)


Fields = Sequence[str | Callable[[Any], Any]]


def fingerprint(record: Any, fields: Fields) -> int:
    """The version of a form that edits only ``fields`` of the record (attribute names,
    or functions of the record for rows that belong to it): a hash of their current
    values, a positive integer so that it fits the same hidden field."""
    values = json.dumps([_text(f(record) if callable(f) else getattr(record, f))
                         for f in fields])
    return int.from_bytes(hashlib.sha256(values.encode()).digest()[:6], "big")


def version_of(record: Any, fields: Fields | None = None) -> int:
    """The record's version as its edit form sends it: the row counter, or the
    fingerprint of ``fields`` when the form is versioned by the fields it edits."""
    return record.version if fields is None else fingerprint(record, fields)


def lock(record: Any) -> None:
    """Hold the record's row until the commit and re-read it: ``SELECT … FOR UPDATE``
    on PostgreSQL; on SQLite a no-op UPDATE of the row takes the write transaction
    first, so no other save can commit between the check and this one.
    ``EditConflict`` when the row is gone."""
    state = sa_inspect(record)
    if db.session.get_bind().dialect.name == "sqlite":
        keys = [c.name for c in state.mapper.primary_key]
        where = " AND ".join(f'"{k}" = :k{i}' for i, k in enumerate(keys))
        db.session.execute(
            text(f'UPDATE "{state.mapper.local_table.name}" SET "{keys[0]}" = "{keys[0]}" '
                 f"WHERE {where}"), {f"k{i}": v for i, v in enumerate(state.identity)})
    db.session.expire_all()  # rows that belong to it are read again too
    try:
        # FOR UPDATE OF the record's own table: PostgreSQL refuses to lock the rows of
        # the outer joins that eager-loaded relationships add
        db.session.refresh(record, with_for_update={"of": state.mapper.local_table})
    except InvalidRequestError as err:  # deleted meanwhile
        raise EditConflict from err


def show_version(form: Any, version: int | None) -> None:
    """Put the current version in the form so that the merged text can be saved."""
    form.version.data = version
    form.version.raw_data = [str(version)]


@dataclass
class Change:
    """One field that differs between the saved record and the user's input;
    ``lines`` is a line diff for texts of several lines (``-`` saved, ``+`` yours)."""

    label: str
    saved: str
    yours: str
    lines: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return "\n".join(_text(v) for v in value) if any(
            isinstance(v, dict) for v in value) else ", ".join(_text(v) for v in value)
    return str(value).replace("\r\n", "\n")


def changes(fields: Iterable[tuple[str, Any, Any]]) -> list[Change]:
    """The differing ones among ``(label, saved value, your value)``."""
    result = []
    for label, saved, yours in fields:
        a, b = _text(saved), _text(yours)
        if a.strip() == b.strip():
            continue
        lines = []
        if "\n" in a or "\n" in b:
            lines = [line for line in difflib.ndiff(a.splitlines(), b.splitlines())
                     if line[:1] in "+-"]
        result.append(Change(str(label), a, b, lines))
    return result


def form_changes(form: Any, record: Any, names: dict[str, str | Callable[[Any], Any]]
                 ) -> list[Change]:
    """Changes between a record and a submitted form: ``names`` maps a form field to
    the record's attribute holding the same value (or a function of the record)."""
    rows = []
    for name, source in names.items():
        saved = source(record) if callable(source) else getattr(record, source)
        f = form[name]
        labels = {str(k): v for k, v in getattr(f, "choices", None) or []}
        rows.append((f.label.text, _shown(saved, labels), _shown(f.data, labels)))
    return changes(rows)


def _shown(value: Any, labels: dict[str, Any]) -> Any:
    """A value as the form shows it: the label of a choice, choices joined by commas."""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(labels.get(str(v), v)) for v in value)
    return labels.get(str(value), value)


def save(record: Any, form: Any, apply: Callable[[], Any],
         compare: dict[str, str | Callable[[Any], Any]],
         races: tuple[type[Exception], ...] = (),
         reload: Callable[[], Any] | None = None,
         fields: Fields | None = None) -> list[Change] | None:
    """Apply the form to ``record`` and commit, unless it changed since the form was
    loaded. Returns None once saved. On a conflict nothing is written; the form keeps
    the user's input with the current version, and the differing fields come back.

    ``record`` is None on a form that creates the record when it does not exist yet
    (its page sends version 0); ``reload`` then finds the one another save created.
    ``races`` as for ``guarded``; a record deleted meanwhile answers 404.
    ``fields``: the record's attributes the form edits, when its version is their
    ``fingerprint`` rather than the row counter (see the module's docstring).
    """
    try:
        with guarded(races):
            if record is not None and fields is not None:
                lock(record)
            check(version_of(record, fields) if record is not None else 0, form.version.data)
            apply()
            if record is not None and fields is None:
                touch(record)
    except EditConflict:
        db.session.rollback()
        db.session.expire_all()
        return conflict(form, reload() if reload is not None else _refreshed(record), compare,
                        fields)
    return None


def conflict(form: Any, current: Any, compare: dict[str, str | Callable[[Any], Any]],
             fields: Fields | None = None) -> list[Change]:
    """After a conflict: the current version into the form, and the fields in which
    the record as saved now differs from the user's input (404 when it is gone)."""
    if current is None:
        abort(404)
    show_version(form, version_of(current, fields))
    return form_changes(form, current, compare)


def _refreshed(record: Any) -> Any:
    if record is None:
        return None
    try:
        db.session.refresh(record)
    except InvalidRequestError:
        return None  # deleted meanwhile
    return record


def loaded_version(form: Any, record: Any, fields: Fields | None = None) -> None:
    """On a form's first display, the version of the record it shows (0: none yet);
    ``fields`` as for ``save``."""
    if not form.is_submitted():
        form.version.data = version_of(record, fields) if record is not None else 0
