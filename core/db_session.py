"""The session class: commits dispatch the domain events they carried."""

from __future__ import annotations

from flask_sqlalchemy.session import Session as FlaskSession


class EventSession(FlaskSession):
    """A Flask-SQLAlchemy session whose ``commit`` dispatches ``core.events`` after it."""

    def commit(self) -> None:
        from core.events import dispatch_all, snapshot_pending

        if self.info.get("ementoring_pending_events"):
            self.flush()
        events = snapshot_pending(self)
        super().commit()
        dispatch_all(events)
