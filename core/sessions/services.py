"""What the session pages, the calendar and the plugins do with sessions: visibility,
planning, holding, cancelling and keeping revisions of a group's plan."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload, selectinload

from core.declarations import SessionType
from core.events import emit
from core.extensions import db
from core.models import GroupMember, Membership, MentoringGroup
from core.permissions import can
from core.plugins import registry
from core.sessions.models import (
    INITIAL_TYPE,
    MentoringSession,
    SessionAttendance,
    SessionPlanRevision,
)
from core.text import render_markdown

# --- types ---------------------------------------------------------------------


def session_type(name: str) -> SessionType | None:
    """The declared session type of that name, or None when no plugin declares it."""
    return registry().session_types.get(name)


def type_label(name: str) -> str:
    """The translated label of a session type (its name when undeclared)."""
    declared = session_type(name)
    return str(declared.label) if declared else name


def types_for(programme_id: int) -> list[SessionType]:
    """Session types offered in a programme, initial session first, then by category."""
    types = registry().session_types_for(programme_id)
    return sorted(types, key=lambda t: (t.name != INITIAL_TYPE, t.category, str(t.label)))


def disabled_plugins(programme_id: int) -> frozenset[str]:
    """Plugins disabled in the programme: their sessions are hidden there."""
    return registry().disabled_in(programme_id)


def shown(session: MentoringSession) -> bool:
    """True when the plugin that declared the session's type is enabled in its programme."""
    return registry().is_enabled(session.programme_id, session.plugin)


# --- visibility ----------------------------------------------------------------


def may_see(user: Any, session: MentoringSession) -> bool:
    """Whether ``user`` (already allowed into the group) may see this session:
    one-mentee sessions are for that mentee and the group's staff only."""
    if session.mentee_id is None or session.mentee_id == getattr(user, "id", None):
        return True
    return can(user, "core.manage_sessions", session.programme_id, session.group_id,
               as_reader=True)


def session_or_404(group_id: int, session_id: int) -> MentoringSession:
    """Load a session of the group for the current user; anything refused answers 404."""
    session = db.session.get(MentoringSession, session_id)
    if session is None or session.group_id != group_id or not shown(session):
        abort(404)
    if not may_see(current_user, session):
        abort(404)
    return session


def group_plan(group: MentoringGroup, user: Any = None) -> list[MentoringSession]:
    """The group's sessions in plan order that ``user`` may see (all when None)."""
    stmt = (
        db.select(MentoringSession)
        .where(MentoringSession.group_id == group.id)
        .options(selectinload(MentoringSession.mentee))
        .order_by(MentoringSession.position, MentoringSession.id)
    )
    disabled = disabled_plugins(group.programme_id)
    if disabled:
        stmt = stmt.where(MentoringSession.plugin.notin_(disabled))
    if user is not None and not can(user, "core.manage_sessions", group.programme_id, group,
                                    as_reader=True):
        stmt = stmt.where(or_(MentoringSession.mentee_id.is_(None),
                              MentoringSession.mentee_id == user.id))
    return list(db.session.execute(stmt).scalars())


def user_sessions(user: Any, start: datetime | None = None, end: datetime | None = None,
                  programme_id: int | None = None,
                  statuses: tuple[str, ...] = ("planned", "held", "cancelled"),
                  limit: int | None = None,
                  programme_ids: Collection[int] | None = None) -> list[MentoringSession]:
    """Dated sessions the user takes part in: those of their groups (one-mentee
    sessions only for that mentee and the staff) and, for managers, every session
    of the programmes they manage. Sessions of disabled plugins are left out.
    With ``programme_ids``, only those programmes' sessions, ``limit`` for each."""
    member = db.select(GroupMember.group_id).where(
        GroupMember.user_id == user.id,
        or_(GroupMember.role != "mentee",
            MentoringSession.mentee_id.is_(None), MentoringSession.mentee_id == user.id),
        GroupMember.group_id == MentoringSession.group_id,
    ).exists()
    managed = db.select(Membership.programme_id).where(
        Membership.user_id == user.id, Membership.role == "manager"
    )
    stmt = (
        db.select(MentoringSession)
        .where(or_(member, MentoringSession.programme_id.in_(managed)),
               MentoringSession.starts_at.is_not(None),
               MentoringSession.status.in_(statuses))
        # many-to-one: joined into the same statement rather than two more
        .options(joinedload(MentoringSession.group), joinedload(MentoringSession.programme))
        .order_by(MentoringSession.starts_at, MentoringSession.id)
    )
    if start is not None:
        stmt = stmt.where(MentoringSession.starts_at >= start)
    if end is not None:
        stmt = stmt.where(MentoringSession.starts_at < end)
    if programme_id is not None:
        stmt = stmt.where(MentoringSession.programme_id == programme_id)
    if programme_ids is not None:
        stmt = stmt.where(MentoringSession.programme_id.in_(list(programme_ids) or [-1]))
    rows = db.session.execute(stmt).scalars()
    out = []
    taken: dict[int | None, int] = {}  # per programme with programme_ids, else in all
    for s in rows:
        key = s.programme_id if programme_ids is not None else None
        if not shown(s) or (limit and taken.get(key, 0) >= limit):
            continue
        out.append(s)
        taken[key] = taken.get(key, 0) + 1
        if limit and sum(taken.values()) >= limit * (len(set(programme_ids or ())) or 1):
            break
    return out


def attendees(session: MentoringSession) -> list[GroupMember]:
    """The group members expected at a session, staff first: everyone in the group,
    or the staff and the one mentee for a one-mentee session."""
    members = db.session.execute(
        db.select(GroupMember).where(GroupMember.group_id == session.group_id)
        .options(selectinload(GroupMember.user))
    ).scalars().all()
    if session.mentee_id is not None:
        members = [m for m in members if m.role != "mentee" or m.user_id == session.mentee_id]
    order = {"mentor": 0, "manager": 1}
    return sorted(members, key=lambda m: (order.get(m.role, 2), m.user.name))


# --- changes -------------------------------------------------------------------


def next_position(group_id: int) -> int:
    """The position after the last session in the group's plan."""
    last = db.session.execute(
        db.select(db.func.max(MentoringSession.position))
        .where(MentoringSession.group_id == group_id)
    ).scalar()
    return 0 if last is None else last + 1


def plan_session(group: MentoringGroup, type_name: str, *, title: str, actor: Any = None,
                 starts_at: datetime | None = None, duration_minutes: int = 60,
                 mode: str = "face_to_face", location: str = "", agenda: str = "",
                 mentee_id: int | None = None, position: int | None = None,
                 status: str = "planned") -> MentoringSession:
    """Add a session to a group's plan (flushed, not committed) and emit
    ``session_planned``. Raises ``KeyError`` for an undeclared session type."""
    declared = session_type(type_name)
    if declared is None:
        raise KeyError(type_name)
    session = MentoringSession(
        programme_id=group.programme_id, group_id=group.id, type=declared.name,
        plugin=declared.plugin, title=title, starts_at=starts_at,
        duration_minutes=duration_minutes, mode=mode, location=location or "",
        agenda_source=agenda or "", agenda_html=render_markdown(agenda), mentee_id=mentee_id,
        status=status, position=next_position(group.id) if position is None else position,
        created_by_id=getattr(actor, "id", actor),
    )
    db.session.add(session)
    db.session.flush()
    emit("session_planned", actor=actor, programme=group.programme_id, group=group.id,
         obj=session, data={"title": title, "type": declared.name})
    return session


def create_initial_session(group: MentoringGroup, actor: Any = None,
                           **details: Any) -> MentoringSession | None:
    """Give a new group its initial mentoring and management session (once) and
    start its plan; ``details`` are passed on to ``plan_session``. Returns None
    when the group has one already."""
    from flask_babel import force_locale, gettext

    exists = db.session.execute(
        db.select(MentoringSession.id).where(MentoringSession.group_id == group.id,
                                             MentoringSession.type == INITIAL_TYPE)
    ).first()
    if exists:
        return None
    with force_locale(group.programme.language or "en"):
        title = gettext("Initial mentoring and management session")
        note = gettext("Plan started with the initial session.")
    session = plan_session(group, INITIAL_TYPE, title=title, actor=actor, position=0, **details)
    record_revision(group, actor, note)
    return session


def order_by_date(group: MentoringGroup) -> None:
    """Put the group's plan in date order; sessions without a date keep their
    relative order after the dated ones."""
    rows = db.session.execute(
        db.select(MentoringSession).where(MentoringSession.group_id == group.id)
        .order_by(MentoringSession.position, MentoringSession.id)
    ).scalars().all()
    ordered = sorted(rows, key=lambda s: (s.starts_at is None, s.starts_at or datetime.min))
    for position, s in enumerate(ordered):
        s.position = position


def set_attendance(session: MentoringSession, statuses: dict[int, str]) -> None:
    """Replace the session's attendance with ``{user_id: status}``."""
    current = {a.user_id: a for a in session.attendance}
    for user_id, status in statuses.items():
        row = current.pop(user_id, None)
        if row is None:
            session.attendance.append(SessionAttendance(user_id=user_id, status=status))
        else:
            row.status = status
    for row in current.values():
        session.attendance.remove(row)


def attendance_figures(session: MentoringSession) -> dict[str, int]:
    """``present`` and ``expected`` (present + absent; the excused do not count)."""
    present = sum(1 for a in session.attendance if a.status == "present")
    absent = sum(1 for a in session.attendance if a.status == "absent")
    return {"present": present, "expected": present + absent}


def hold(session: MentoringSession, statuses: dict[int, str], notes: str | None,
         actor: Any = None) -> bool:
    """Record that the session took place, with attendance and the mentor's notes.
    Emits ``session_held`` the first time only; returns True then."""
    set_attendance(session, statuses)
    session.notes_source = notes or ""
    session.notes_html = render_markdown(notes)
    first = session.status != "held"
    session.status = "held"
    db.session.flush()
    if first:
        emit("session_held", actor=actor, programme=session.programme_id,
             group=session.group_id, obj=session,
             data={"title": session.title, "type": session.type,
                   **attendance_figures(session)})
    return first


def cancel(session: MentoringSession, actor: Any = None) -> None:
    """Cancel a planned session and emit ``session_cancelled``."""
    session.status = "cancelled"
    db.session.flush()
    emit("session_cancelled", actor=actor, programme=session.programme_id,
         group=session.group_id, obj=session, data={"title": session.title})


# --- plan revisions ------------------------------------------------------------


def snapshot(group: MentoringGroup) -> list[dict[str, Any]]:
    """The group's whole plan as JSON-able items (every session, whatever its plugin)."""
    rows = db.session.execute(
        db.select(MentoringSession).where(MentoringSession.group_id == group.id)
        .order_by(MentoringSession.position, MentoringSession.id)
    ).scalars()
    return [
        {"id": s.id, "type": s.type, "plugin": s.plugin, "title": s.title,
         "starts_at": s.starts_at.isoformat(timespec="minutes") if s.starts_at else None,
         "mode": s.mode, "status": s.status, "mentee_id": s.mentee_id}
        for s in rows
    ]


def latest_revision(group_id: int) -> SessionPlanRevision | None:
    """The newest kept revision of a group's plan."""
    return db.session.execute(
        db.select(SessionPlanRevision).where(SessionPlanRevision.group_id == group_id)
        .order_by(SessionPlanRevision.number.desc()).limit(1)
    ).scalar()


def record_revision(group: MentoringGroup, actor: Any = None,
                    note: str = "") -> SessionPlanRevision | None:
    """Keep the plan as it now stands as a new revision and emit ``plan_revised``;
    nothing is kept when the plan did not change since the last revision."""
    db.session.flush()
    items = snapshot(group)
    last = latest_revision(group.id)
    if last is not None and last.snapshot == items:
        return None
    revision = SessionPlanRevision(
        group_id=group.id, number=(last.number + 1) if last else 1, snapshot=items,
        note=(note or "")[:500], created_by_id=getattr(actor, "id", actor),
    )
    db.session.add(revision)
    db.session.flush()
    emit("plan_revised", actor=actor, programme=group.programme_id, group=group.id,
         obj=revision, data={"number": revision.number})
    return revision


def visible_items(revision: SessionPlanRevision, programme_id: int, user: Any,
                  staff: bool) -> list[dict[str, Any]]:
    """A revision's items without sessions of disabled plugins or of other mentees."""
    disabled = disabled_plugins(programme_id)
    return [
        dict(item, label=type_label(item["type"]),
             starts_at=datetime.fromisoformat(item["starts_at"]) if item["starts_at"] else None)
        for item in revision.snapshot
        if item.get("plugin") not in disabled
        and (staff or item.get("mentee_id") in (None, getattr(user, "id", None)))
    ]


def group_figures(group_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``sessions_planned``, ``sessions_held`` and ``attendance_rate`` per group in
    two queries, whatever the number of groups."""
    figures: dict[int, dict[str, Any]] = {
        gid: {"sessions_planned": 0, "sessions_held": 0, "attendance_rate": None}
        for gid in group_ids
    }
    if not group_ids:
        return figures
    counts = db.session.execute(
        db.select(MentoringSession.group_id, MentoringSession.status,
                  MentoringSession.programme_id, MentoringSession.plugin,
                  db.func.count(MentoringSession.id))
        .where(MentoringSession.group_id.in_(group_ids),
               MentoringSession.status.in_(("planned", "held")))
        .group_by(MentoringSession.group_id, MentoringSession.status,
                  MentoringSession.programme_id, MentoringSession.plugin)
    ).all()
    for gid, status, pid, plugin, n in counts:
        if registry().is_enabled(pid, plugin):
            figures[gid][f"sessions_{status}"] += n
    rows = db.session.execute(
        db.select(MentoringSession.group_id, SessionAttendance.status,
                  db.func.count(SessionAttendance.user_id))
        .join(SessionAttendance, SessionAttendance.session_id == MentoringSession.id)
        .where(and_(MentoringSession.group_id.in_(group_ids), MentoringSession.status == "held"))
        .group_by(MentoringSession.group_id, SessionAttendance.status)
    ).all()
    tallies: dict[int, dict[str, int]] = {}
    for gid, status, n in rows:
        tallies.setdefault(gid, {})[status] = n
    for gid, t in tallies.items():
        expected = t.get("present", 0) + t.get("absent", 0)
        figures[gid]["attendance_rate"] = (t.get("present", 0) / expected) if expected else None
    return figures
