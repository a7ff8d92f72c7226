"""Demo sessions: the held initial session that starts each demo group's plan."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from core.sessions import services
from core.sessions.blueprint import local_now

AGENDA = """1. Introductions: who we are and what we hope for
2. The programme, the platform and how we will meet
3. Signing the mentoring contract and the list of participants
4. First ideas for the session plan"""

NOTES = """Everyone came. The contract and the list of participants are signed; the scans are in
the toolbar for managing the mentoring process. Next: the session plan with each mentee."""


def build(programme: Any, users: dict[str, Any]) -> None:
    """Give each demo group its initial session, held thirteen days ago, and the
    first revision of its plan."""
    day = (local_now() - timedelta(days=13)).date()
    for group in users.get("groups", []):
        session = services.create_initial_session(
            group, users.get("manager"), starts_at=datetime.combine(day, time(16, 0)),
            duration_minutes=90, mode="blended", agenda=AGENDA,
            location="Community centre, room 2 (and online for those who cannot come)",
        )
        if session is None:
            continue
        mentor = next((m.user_id for m in group.members if m.role == "mentor"), None)
        statuses = {m.user_id: "present" for m in group.members}
        services.hold(session, statuses, NOTES, mentor)
