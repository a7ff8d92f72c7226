"""Nudges: a friendly reminder to mentors and mentees who have been inactive.

A member's last activity in a programme is the latest of: their newest event in
the programme's event log, their last login (``last_seen_at``) and the day they
joined. A nudge is due when that lies ``inactive_days`` or more in the past and
no nudge was sent since; so each inactivity period gets one nudge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.mail import send_mail
from core.models import Event, Membership, Programme, User, utcnow
from core.plugins import registry, setting
from plugins.messages.models import Nudge
from plugins.messages.services.common import PLUGIN, link, mail_context

log = logging.getLogger("ementoring.messages")
NUDGED_ROLES = ("mentor", "mentee")


@dataclass(frozen=True)
class Activity:
    """When a member of a programme was last active."""

    user_id: int
    role: str
    last_active: datetime


def last_activity(programme_id: int, user_ids: list[int] | None = None) -> dict[int, Activity]:
    """Each member's last activity in the programme, in one query."""
    return {uid: act for (_pid, uid), act in
            last_activity_in([programme_id], user_ids).items()}


def last_activity_in(programme_ids: list[int], user_ids: list[int] | None = None
                     ) -> dict[tuple[int, int], Activity]:
    """Each member's last activity per programme, keyed by (programme id, user id), for
    several programmes in one query."""
    stmt = (
        db.select(Membership.programme_id, Membership.user_id, Membership.role,
                  Membership.created_at, User.last_seen_at, db.func.max(Event.created_at))
        .join(User, User.id == Membership.user_id)
        .outerjoin(Event, and_(Event.actor_id == Membership.user_id,
                               Event.programme_id == Membership.programme_id))
        .where(Membership.programme_id.in_(programme_ids or [-1]))
        .group_by(Membership.programme_id, Membership.user_id, Membership.role,
                  Membership.created_at, User.last_seen_at)
    )
    if user_ids is not None:
        stmt = stmt.where(Membership.user_id.in_(user_ids or [-1]))
    out = {}
    for pid, user_id, role, joined, seen, acted in db.session.execute(stmt).all():
        last = max(t for t in (joined, seen, acted) if t is not None)
        out[(pid, user_id)] = Activity(user_id, role, last)
    return out


def inactive_days(programme_id: int) -> int:
    """The programme's number of inactive days before a nudge (at least 1)."""
    try:
        return max(1, int(setting(programme_id, PLUGIN, "inactive_days")))
    except (TypeError, ValueError):
        return 21


def _running(programme: Programme, today: date) -> bool:
    if programme.status != "active" or not registry().is_enabled(programme.id, PLUGIN):
        return False
    if programme.starts_on and programme.starts_on > today:
        return False
    return not (programme.ends_on and programme.ends_on < today)


def due(programme: Programme, now: datetime) -> list[tuple[Activity, int]]:
    """Members of a running programme who should get a nudge now, with the days setting."""
    days = inactive_days(programme.id)
    limit = now - timedelta(days=days)
    activity = last_activity(programme.id)
    latest = dict(db.session.execute(
        db.select(Nudge.user_id, db.func.max(Nudge.sent_at))
        .where(Nudge.programme_id == programme.id).group_by(Nudge.user_id)).all())
    return [(a, days) for a in activity.values()
            if a.role in NUDGED_ROLES and a.last_active <= limit
            and not (latest.get(a.user_id) and latest[a.user_id] >= a.last_active)]


def _mail(user: User, programme: Programme, nudge: Nudge, now: datetime) -> tuple[str, str]:
    days = (now - nudge.inactive_since).days
    subject = _("We miss you in %(programme)s", programme=programme.title)
    if nudge.role == "mentor":
        ask = _("Your mentees may be waiting for a message or a date for the next session.")
    else:
        ask = _("Your mentor and your group are glad to hear from you, even with a short "
                "message or a question.")
    body = "\n".join([
        _("Hello %(name)s,", name=user.name), "",
        ngettext("We have not seen you in %(programme)s for %(num)d day.",
                 "We have not seen you in %(programme)s for %(num)d days.", days,
                 programme=programme.title), ask, "",
        _("Drop in when you have a moment: %(url)s", url=link(
            "course.programme", programme_id=programme.id)), "",
        _("This is a friendly reminder; you get it once for each quiet period."),
    ])
    return subject, body


def run_nudges(now: datetime | None = None) -> int:
    """Send the nudges due in every running programme; return how many went out.

    Each nudge is recorded and committed before its mail is sent; a failed mail
    removes the record again so the next run retries.
    """
    now = now or utcnow()
    sent = 0
    programmes = db.session.scalars(db.select(Programme).order_by(Programme.id)).all()
    for programme in programmes:
        if not _running(programme, now.date()):
            continue
        for activity, days in due(programme, now):
            user = db.session.get(User, activity.user_id)
            if user is None or not user.is_active:
                continue
            nudge = Nudge(programme_id=programme.id, user_id=user.id, role=activity.role,
                          inactive_since=activity.last_active, days=days, sent_at=now)
            db.session.add(nudge)
            try:
                db.session.commit()
            except IntegrityError:  # another run took it
                db.session.rollback()
                continue
            with mail_context(user, programme):
                subject, body = _mail(user, programme, nudge, now)
            try:
                send_mail(user.email, subject, body)
            except Exception:
                log.exception("nudge to user %s failed", user.id)
                db.session.delete(nudge)
                db.session.commit()
                continue
            sent += 1
    return sent


def recent(programme_id: int, since: datetime, limit: int) -> list[tuple[Nudge, bool]]:
    """The programme's nudges sent after ``since``, newest first, each with whether
    the member has been active since."""
    return recent_in([programme_id], since, limit).get(programme_id, [])


def recent_in(programme_ids: list[int], since: datetime, limit: int
              ) -> dict[int, list[tuple[Nudge, bool]]]:
    """``recent`` for several programmes, keyed by programme id (two queries)."""
    found: dict[int, list[Nudge]] = {}
    for n in db.session.scalars(
            db.select(Nudge).where(Nudge.programme_id.in_(programme_ids or [-1]),
                                   Nudge.sent_at >= since)
            .options(joinedload(Nudge.user)).order_by(Nudge.sent_at.desc(), Nudge.id.desc())):
        if len(found.setdefault(n.programme_id, [])) < limit:
            found[n.programme_id].append(n)
    if not found:
        return {}
    activity = last_activity_in(list(found), sorted({n.user_id for ns in found.values()
                                                     for n in ns}))
    return {pid: [(n, _active_since(activity.get((pid, n.user_id)), n)) for n in ns]
            for pid, ns in found.items()}


def with_state(programme_id: int, nudges: list[Nudge]) -> list[tuple[Nudge, bool]]:
    """Pair nudges with whether their member has been active since (one query)."""
    activity = last_activity(programme_id, sorted({n.user_id for n in nudges}))
    return [(n, _active_since(activity.get(n.user_id), n)) for n in nudges]


def _active_since(activity: Activity | None, nudge: Nudge) -> bool:
    return activity is not None and activity.last_active > nudge.inactive_since


def save_inactive_days(programme: Any, days: int) -> None:
    """Store the programme's inactive-days setting."""
    settings = dict(programme.settings or {})
    mine = dict(settings.get(PLUGIN) or {})
    mine["inactive_days"] = days
    settings[PLUGIN] = mine
    programme.settings = settings
    db.session.commit()
