"""Read access to the core's mentoring sessions, in the shape the diary needs."""

from __future__ import annotations

from typing import Any

from core.extensions import db


def _model() -> Any:
    from core.sessions.models import MentoringSession

    return MentoringSession


def get(session_id: int) -> Any:
    """A mentoring session by id, or None."""
    model = _model()
    return db.session.get(model, session_id) if model is not None else None


def is_held(session: Any) -> bool:
    """True when the session took place."""
    return session.status == "held"


def title(session: Any) -> str:
    """The session's title."""
    return session.title


def held_sessions(group_id: int) -> list[Any]:
    """The group's held sessions, oldest first, each with ``when`` for display."""
    model = _model()
    if model is None:
        return []
    rows = db.session.scalars(
        db.select(model).where(model.group_id == group_id, model.status == "held")
        .order_by(model.starts_at)
    ).all()
    for r in rows:
        r.when = r.starts_at.strftime("%Y-%m-%d %H:%M") if r.starts_at else ""
    return rows
