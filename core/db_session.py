"""The session class (commits dispatch the domain events they carried), and what
is already loaded in it."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm.util import identity_key


class EventSession(FlaskSession):
    """A Flask-SQLAlchemy session whose ``commit`` dispatches ``core.events`` after it."""

    def commit(self) -> None:
        from core.events import dispatch_all, snapshot_pending

        if self.info.get("ementoring_pending_events"):
            self.flush()
        events = snapshot_pending(self)
        super().commit()
        dispatch_all(events)


def loaded(model: Any, pk: Any, *attrs: str) -> Any:
    """The ``model`` row with primary key ``pk`` if this request's session already
    holds it with ``attrs`` loaded (not expired), else None; never a statement."""
    from core.extensions import db

    obj = db.session.identity_map.get(identity_key(model, pk))
    if obj is None or any(attr not in obj.__dict__ for attr in attrs):
        return None
    return obj
