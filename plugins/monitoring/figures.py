"""The figures of the monitoring dashboard, with a constant number of queries
whatever the number of groups or events: session figures and missing documents
from the ``group_summary`` hook, diaries and last activity from the event log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.models import Event, GroupMember, MentoringGroup
from core.plugins import hooks
from plugins.monitoring.models import Outcome, SurveyAnswer, SurveyPoint

ANONYMITY_THRESHOLD = 3


@dataclass
class GroupFigures:
    """What the dashboard shows for one mentoring group."""

    group: Any
    mentors: list[str]
    mentees: list[str]
    sessions_planned: int = 0
    sessions_held: int = 0
    attendance_rate: float | None = None  # share of expected attendances, None before any
    diaries: int = 0
    missing_documents: list[str] = field(default_factory=list)
    last_activity: datetime | None = None
    scores: dict[int, float | None] = field(default_factory=dict)  # point id -> mean
    score_counts: dict[int, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)


def _count(name: str) -> Any:
    """Events called ``name`` of the outer group, counted on the (group, name) index."""
    return (db.select(func.count(Event.id))
            .where(Event.group_id == MentoringGroup.id, Event.name == name)
            .scalar_subquery())


@cache
def _per_group_statement() -> Any:
    """Per group (``ids``): diaries submitted and the latest event. Each figure is read
    per group from an index on the event log, so the cost grows with the number of
    groups, not with the events of the programme (sessions come from
    ``group_summary``)."""
    last = (db.select(func.max(Event.created_at))
            .where(Event.group_id == MentoringGroup.id).scalar_subquery())
    return (db.select(MentoringGroup.id, _count("diary_submitted"), last)
            .where(MentoringGroup.id.in_(bindparam("ids", expanding=True))))


def dashboard(programme: Any, group_ids: frozenset[int] | None, *,
              individual_scores: bool) -> tuple[list[SurveyPoint], list[GroupFigures]]:
    """Figures for the programme's groups the caller may see (``None``: all).

    Relationship scores are hidden (None) where fewer than three answers exist,
    unless ``individual_scores`` (managers) is set.
    """
    stmt = (db.select(MentoringGroup).where(MentoringGroup.programme_id == programme.id)
            .options(selectinload(MentoringGroup.members).selectinload(GroupMember.user))
            .order_by(MentoringGroup.name))
    if group_ids is not None:
        stmt = stmt.where(MentoringGroup.id.in_(group_ids or [-1]))
    groups = db.session.execute(stmt).scalars().all()
    ids = [g.id for g in groups] or [-1]
    figures: dict[int, GroupFigures] = {}
    mentee_group: dict[int, int] = {}
    for g in groups:
        members = sorted(g.members, key=lambda m: m.user.name)
        figures[g.id] = GroupFigures(
            group=g,
            mentors=[m.user.name for m in members if m.role == "mentor"],
            mentees=[m.user.name for m in members if m.role == "mentee"],
        )
        for m in members:
            if m.role == "mentee":
                mentee_group[m.user_id] = g.id

    for gid, diaries, last in db.session.execute(
            _per_group_statement(), {"ids": ids}).all():
        f = figures[gid]
        f.diaries = diaries
        f.last_activity = last

    points = db.session.execute(
        db.select(SurveyPoint).where(SurveyPoint.programme_id == programme.id)
        .order_by(SurveyPoint.opens_on, SurveyPoint.id)
    ).scalars().all()
    score_rows = db.session.execute(
        db.select(SurveyAnswer.group_id, SurveyAnswer.point_id, func.avg(SurveyAnswer.overall),
                  func.count(SurveyAnswer.id))
        .where(SurveyAnswer.programme_id == programme.id, SurveyAnswer.group_id.in_(ids))
        .group_by(SurveyAnswer.group_id, SurveyAnswer.point_id)
    ).all()
    for gid, pid, avg, n in score_rows:
        f = figures[gid]
        f.score_counts[pid] = n
        visible = individual_scores or n >= ANONYMITY_THRESHOLD
        f.scores[pid] = round(float(avg), 2) if visible else None

    outcome_rows = db.session.execute(
        db.select(Outcome.mentee_id, Outcome.status_end)
        .where(Outcome.programme_id == programme.id,
               Outcome.mentee_id.in_(list(mentee_group) or [-1]))
    ).all()
    for mentee_id, status in outcome_rows:
        if status:
            counts_ = figures[mentee_group[mentee_id]].outcomes
            counts_[status] = counts_.get(status, 0) + 1

    if groups:
        merged: dict[int, dict[str, Any]] = defaultdict(dict)
        for result in hooks(programme).group_summary(groups=groups):
            for gid, values in (result or {}).items():
                merged[gid].update(values)
        for gid, values in merged.items():
            if gid in figures:
                f = figures[gid]
                f.missing_documents = list(values.get("missing_documents", []))
                f.sessions_planned = values.get("sessions_planned", 0)
                f.sessions_held = values.get("sessions_held", 0)
                rate = values.get("attendance_rate")
                f.attendance_rate = round(float(rate), 3) if rate is not None else None
    return points, [figures[g.id] for g in groups]
