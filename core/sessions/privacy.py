"""What the core keeps about a person in mentoring sessions, for the data export."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from core.extensions import db
from core.sessions.models import MentoringSession, SessionAttendance, SessionPlanRevision


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_sessions(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Attendance, sessions with the user alone or created by them, plan revisions."""
    attendance = db.session.execute(
        db.select(SessionAttendance).where(SessionAttendance.user_id == user.id)
        .options(joinedload(SessionAttendance.session))
    ).scalars()
    sessions = db.session.execute(
        db.select(MentoringSession).where(
            (MentoringSession.mentee_id == user.id) | (MentoringSession.created_by_id == user.id))
        .order_by(MentoringSession.id)
    ).scalars()
    revisions = db.session.execute(
        db.select(SessionPlanRevision).where(SessionPlanRevision.created_by_id == user.id)
        .order_by(SessionPlanRevision.id)
    ).scalars()
    return {
        "session_attendance": [
            {"session": a.session.title, "starts_at": _iso(a.session.starts_at),
             "status": a.status} for a in attendance
        ],
        "sessions": [
            {"title": s.title, "type": s.type, "starts_at": _iso(s.starts_at),
             "status": s.status, "agenda": s.agenda_source,
             "mentor_notes": s.notes_source if s.created_by_id == user.id else None}
            for s in sessions
        ],
        "session_plan_revisions": [
            {"group_id": r.group_id, "number": r.number, "note": r.note,
             "at": _iso(r.created_at)} for r in revisions
        ],
    }
