"""What the plugin adds to other pages: dashboard widgets, the group page, and the
default plan of a newly added round."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from core.declarations import Widget
from core.extensions import db
from core.models import Activity
from core.permissions import can
from plugins.matching.models import Pairing, Request
from plugins.matching.services import rounds as plan
from plugins.matching.services.pairings import is_running


@cache
def _waiting_statement() -> Any:
    """Requests waiting for a person: asked of them as mentor, or questions to them as
    mentee, in some programmes, with both people (built once per process)."""
    uid = bindparam("uid")
    return (
        db.select(Request).where(Request.programme_id.in_(bindparam("pids", expanding=True)),
                                 db.or_(db.and_(Request.mentor_id == uid,
                                                Request.status == "pending"),
                                        db.and_(Request.mentee_id == uid,
                                                Request.status == "question")))
        .options(joinedload(Request.mentee), joinedload(Request.mentor))
        .order_by(Request.id))


def widgets(programmes: list[Any], user: Any) -> list[Widget]:
    """In each programme: this week's topic of each running round, and the first ten
    requests waiting for the user (the same queries for all programmes)."""
    joining = [p for p in programmes if can(user, "matching.join_rounds", p)]
    following = [p for p in programmes if can(user, "matching.follow", p)]
    rounds: dict[int, list] = {}
    for r in plan.running_rounds_in([p.id for p in joining]) if joining else []:
        rounds.setdefault(r.programme_id, []).append(r)
    waiting: dict[int, list] = {}
    if following:
        for req in db.session.scalars(_waiting_statement(), {
                "pids": [p.id for p in following], "uid": user.id}).unique():
            waiting.setdefault(req.programme_id, []).append(req)
    out = []
    for programme in joining:
        if running := rounds.get(programme.id):
            weeks = [(r, plan.week_number(r), plan.current_week(r)) for r in running]
            html = render_template("matching/widget_rounds.html", weeks=weeks)
            out.append(Widget(_l("This week in speed mentoring"), Markup(html), 20, programme))
    for programme in following:
        if mine := waiting.get(programme.id, [])[:10]:
            html = render_template("matching/widget_requests.html", programme=programme,
                                   waiting=mine, user=user)
            out.append(Widget(_l("Mentoring requests waiting for you"), Markup(html), 15,
                              programme))
    return out


def group_pairings(group: Any, user: Any) -> Markup | None:
    """The pairings of a group, linked for their two sides and managers."""
    pairings = db.session.scalars(
        db.select(Pairing).where(Pairing.group_id == group.id)
        .options(joinedload(Pairing.mentor), joinedload(Pairing.mentee))
        .order_by(Pairing.id)).all()
    if not pairings:
        return None
    manage = can(user, "matching.manage", group.programme_id)
    rows = [(p, manage or user.id in (p.mentor_id, p.mentee_id), is_running(p, group.programme))
            for p in pairings]
    return Markup(render_template("matching/group_slot.html", rows=rows,
                                  programme_id=group.programme_id))


def round_created(activity_id: int) -> None:
    """Give a new round activity the default plan: starting today, one topic a week."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.type != "matching.round" or plan.round_of(activity):
        return
    plan.create(activity)
    db.session.commit()
