"""Domain events: written to the event log with the change, dispatched after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from core.extensions import db

log = logging.getLogger(__name__)
_PENDING = "ementoring_pending_events"


class UnknownEvent(ValueError):
    """An event name, or a key of its data, that no ``register_events`` declares."""


@dataclass(frozen=True)
class DomainEvent:
    """What the ``on_event`` hook receives."""

    id: int | None
    name: str
    actor_id: int | None
    programme_id: int | None
    group_id: int | None
    object_type: str | None
    object_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


def emit(
    name: str,
    *,
    actor: Any = None,
    programme: Any = None,
    group: Any = None,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Any:
    """Record an event in the current transaction; ``on_event`` runs after commit.

    ``obj`` may be a model instance (its table name and id are recorded; flush
    first so it has an id). ``name`` and the keys of ``data`` must be declared
    by a ``register_events`` hook (``UnknownEvent`` otherwise). Returns the
    ``Event`` row.
    """
    from core.models import Event
    from core.plugins import registry

    declared = registry().event_types.get(name)
    if declared is None:
        raise UnknownEvent(f"no plugin declares the event {name!r} (register_events)")
    undeclared = set(data or ()) - set(declared.fields)
    if undeclared:
        raise UnknownEvent(f"event {name!r} does not declare the fields {sorted(undeclared)}")

    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    row = Event(
        name=name,
        actor_id=getattr(actor, "id", actor),
        programme_id=getattr(programme, "id", programme),
        group_id=getattr(group, "id", group),
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )
    db.session.add(row)
    db.session.info.setdefault(_PENDING, []).append(row)
    return row


def dispatch(event: DomainEvent) -> None:
    """Call ``on_event`` on each plugin enabled in the event's programme, one at a
    time: a plugin that raises is logged with its name and the others still run."""
    from core.plugins import hooks

    relay = hooks(event.programme_id) if event.programme_id else hooks()
    # pluggy calls the last registered first (tryfirst ones before all): keep its order
    for impl in reversed(relay.on_event.get_hookimpls()):
        try:
            impl.function(**{arg: event for arg in impl.argnames})
        except Exception:  # a plugin's failure must not undo a committed change
            log.exception("on_event of plugin %r failed for %s", impl.plugin_name, event.name)
            db.session.rollback()  # the next plugin starts from a clean session


def snapshot_pending(session: Session) -> list[DomainEvent]:
    """Take the events recorded in ``session`` (already flushed) as plain values."""
    rows = session.info.pop(_PENDING, None) or []
    return [
        DomainEvent(
            id=r.id, name=r.name, actor_id=r.actor_id, programme_id=r.programme_id,
            group_id=r.group_id, object_type=r.object_type, object_id=r.object_id,
            data=dict(r.data or {}), created_at=r.created_at,
        )
        for r in rows
    ]


def dispatch_all(events: list[DomainEvent]) -> None:
    """Dispatch committed events in order, if an app is there to receive them."""
    if not events or not has_app_context():
        return
    for ev in events:
        dispatch(ev)


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
