"""The per-user iCalendar feed of mentoring sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from core.sessions import services
from core.sessions.blueprint import local_now
from core.sessions.models import MentoringSession

PAST_DAYS = 90


def _when(value: Any) -> Any:
    """Attach the site's time zone when one is configured; otherwise the time is
    left "floating" and calendars show it as local time."""
    tz = current_app.config.get("TIMEZONE")
    return value.replace(tzinfo=ZoneInfo(tz)) if tz else value


def session_event(session: MentoringSession, host: str) -> Event:
    """One VEVENT for a session; cancelled sessions stay with STATUS:CANCELLED so
    subscribed calendars drop them."""
    event = Event()
    event.add("uid", f"mentoring-session-{session.id}@{host}")
    event.add("dtstamp", session.updated_at or session.created_at)
    event.add("last-modified", session.updated_at or session.created_at)
    event.add("dtstart", _when(session.starts_at))
    event.add("dtend", _when(session.ends_at))
    event.add("summary", session.title)
    url = url_for("sessions.view", group_id=session.group_id, session_id=session.id,
                  _external=True)
    lines = [f"{session.group.name} · {services.type_label(session.type)}"]
    if session.agenda_source:
        lines += ["", session.agenda_source]
    lines += ["", url]
    event.add("description", "\n".join(lines))
    if session.location:
        event.add("location", session.location)
    event.add("url", url)
    event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
    return event


def user_feed(user: Any) -> bytes:
    """The user's sessions from ``PAST_DAYS`` ago onwards as an iCalendar file."""
    from flask import request

    cal = Calendar()
    cal.add("prodid", "-//ementoring//mentoring sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Mentoring sessions of %(name)s", name=user.name))
    if current_app.config.get("TIMEZONE"):
        cal.add("x-wr-timezone", current_app.config["TIMEZONE"])
    host = request.host.split(":")[0] or "ementoring"
    for session in services.user_sessions(user, start=local_now() - timedelta(days=PAST_DAYS)):
        cal.add_component(session_event(session, host))
    return cal.to_ical()
