"""Pairings: forming them (with their mentoring group), their life cycle and who may
read or write their shared space."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from core.events import emit
from core.extensions import db
from core.models import GroupMember, MentoringGroup, Programme
from core.models.base import utcnow
from core.plugins import setting
from core.sessions.blueprint import local_now
from plugins.matching.models import RUNNING, Pairing


def today() -> date:
    """The site's current date."""
    return local_now().date()


def weeks_setting(programme_id: int) -> int:
    """How many weeks a new pairing runs in this programme."""
    return max(1, int(setting(programme_id, "matching", "pairing_weeks") or 10))


def is_running(pairing: Pairing, programme: Programme | None = None,
               on: date | None = None) -> bool:
    """True while both sides may still write: the pairing is active or extended, its end
    date has not passed, and the programme is neither closed nor over."""
    on = on or today()
    programme = programme or pairing.programme
    if pairing.status not in RUNNING:
        return False
    if pairing.ends_on is not None and on > pairing.ends_on:
        return False
    if programme.status == "closed":
        return False
    return programme.ends_on is None or on <= programme.ends_on


def running_filter(on: date | None = None) -> Any:
    """SQL condition matching pairings that count against a mentor's capacity."""
    on = on or today()
    return db.and_(Pairing.status.in_(RUNNING),
                   db.or_(Pairing.ends_on.is_(None), Pairing.ends_on >= on))


def loads(programme_id: int, mentor_ids: list[int] | None = None) -> dict[int, int]:
    """Running pairings per mentor in a programme (one query)."""
    stmt = (db.select(Pairing.mentor_id, db.func.count(Pairing.id))
            .where(Pairing.programme_id == programme_id, running_filter())
            .group_by(Pairing.mentor_id))
    if mentor_ids is not None:
        if not mentor_ids:
            return {}
        stmt = stmt.where(Pairing.mentor_id.in_(mentor_ids))
    return dict(db.session.execute(stmt).all())


def mentor_groups(programme_id: int, mentor_id: int) -> list[MentoringGroup]:
    """The groups in which ``mentor_id`` is the mentor, newest first."""
    return list(db.session.scalars(
        db.select(MentoringGroup)
        .join(GroupMember, GroupMember.group_id == MentoringGroup.id)
        .where(MentoringGroup.programme_id == programme_id, GroupMember.user_id == mentor_id,
               GroupMember.role == "mentor")
        .order_by(MentoringGroup.id.desc())))


def default_group(programme_id: int, mentor_id: int) -> MentoringGroup | None:
    """The group a new mentee joins unless the mentor picks another: the group of the
    mentor's newest running pairing, else the mentor's newest group."""
    group = db.session.scalar(
        db.select(MentoringGroup).join(Pairing, Pairing.group_id == MentoringGroup.id)
        .where(Pairing.programme_id == programme_id, Pairing.mentor_id == mentor_id,
               running_filter())
        .order_by(Pairing.id.desc()).limit(1))
    if group is not None:
        return group
    groups = mentor_groups(programme_id, mentor_id)
    return groups[0] if groups else None


def _join(group: MentoringGroup, user: Any, role: str, actor: Any) -> None:
    if db.session.get(GroupMember, (group.id, user.id)) is None:
        db.session.add(GroupMember(group_id=group.id, user_id=user.id, role=role))
        emit("group_member_added", actor=actor, programme=group.programme_id, group=group,
             object_type="user", object_id=user.id)


def form_pairing(programme: Programme, mentor: Any, mentee: Any, actor: Any, *,
                 group: MentoringGroup | None = None, request: Any = None) -> Pairing:
    """Pair a mentor and a mentee: put both in ``group`` (or a new group named after the
    mentor) and start a pairing of the programme's length. The caller checks capacity
    and commits."""
    if group is None:
        with force_locale(programme.language or "en"):
            name = _("Mentoring group of %(mentor)s", mentor=mentor.display_name)
        group = MentoringGroup(programme_id=programme.id, name=name[:120])
        db.session.add(group)
        db.session.flush()
        emit("group_created", actor=actor, programme=programme, group=group, obj=group)
    _join(group, mentor, "mentor", actor)
    _join(group, mentee, "mentee", actor)
    if group.read_only:  # a new pairing in an ended group opens it again
        group.status = "active"
    start = today()
    pairing = Pairing(programme_id=programme.id, mentor_id=mentor.id, mentee_id=mentee.id,
                      group_id=group.id, request_id=getattr(request, "id", None),
                      status="active", starts_on=start,
                      ends_on=start + timedelta(weeks=weeks_setting(programme.id)))
    db.session.add(pairing)
    db.session.flush()
    emit("pairing_formed", actor=actor, programme=programme, group=group, obj=pairing)
    return pairing


def extend(pairing: Pairing, weeks: int, actor: Any) -> None:
    """Run the pairing ``weeks`` more weeks from its end (or from today if that passed);
    its group becomes ``extended`` (writable again if it had ended)."""
    base = max(pairing.ends_on or today(), today())
    pairing.ends_on = base + timedelta(weeks=weeks)
    pairing.status = "extended"
    pairing.ended_at = None
    group = _group(pairing)
    if group is not None:
        group.status = "extended"
    emit("pairing_extended", actor=actor, programme=pairing.programme_id,
         group=pairing.group_id, obj=pairing, data={"weeks": weeks})


def _group(pairing: Pairing) -> MentoringGroup | None:
    return db.session.get(MentoringGroup, pairing.group_id) if pairing.group_id else None


def _others_running(pairing: Pairing) -> bool:
    """Whether another pairing still runs in the same group (a mentor's shared group)."""
    return db.session.scalar(db.select(db.func.count(Pairing.id)).where(
        Pairing.group_id == pairing.group_id, Pairing.id != pairing.id,
        Pairing.status.in_(RUNNING))) > 0


def end(pairing: Pairing, status: str, actor: Any) -> None:
    """Finish a pairing as ``completed`` or ``closed``; its space becomes read-only.

    Its mentoring group takes the same status (and so becomes read-only for the
    mentor and mentees) unless another pairing still runs in that group."""
    if status not in ("completed", "closed"):
        raise ValueError(status)
    pairing.status = status
    pairing.ended_at = utcnow()
    group = _group(pairing)
    if group is not None and not _others_running(pairing):
        group.status = status  # core then keeps the group read-only for both sides
    emit(f"pairing_{status}", actor=actor, programme=pairing.programme_id,
         group=pairing.group_id, obj=pairing)


def complete_ended(on: date | None = None) -> int:
    """Mark running pairings whose end date has passed as completed; return how many."""
    on = on or today()
    rows = db.session.scalars(db.select(Pairing).where(
        Pairing.status.in_(RUNNING), Pairing.ends_on.is_not(None), Pairing.ends_on < on)).all()
    for pairing in rows:
        end(pairing, "completed", None)
    db.session.commit()
    return len(rows)


def role_in_pairing(pairing: Pairing, user: Any) -> str | None:
    """``mentor`` or ``mentee`` when ``user`` is one side of the pairing, else None."""
    if user.id == pairing.mentor_id:
        return "mentor"
    if user.id == pairing.mentee_id:
        return "mentee"
    return None
