"""E-mail reminders the day before a session, each sent at most once."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.mail import send_mail
from core.sessions import services
from core.sessions.blueprint import local_now
from core.sessions.models import MentoringSession, SessionReminder

log = logging.getLogger("ementoring.sessions")


def due_sessions(day: date) -> list[MentoringSession]:
    """Planned sessions starting on ``day`` whose plugin is enabled in their programme."""
    start = datetime.combine(day, datetime.min.time())
    rows = db.session.execute(
        db.select(MentoringSession).where(
            MentoringSession.status == "planned",
            MentoringSession.starts_at >= start,
            MentoringSession.starts_at < start + timedelta(days=1),
        ).order_by(MentoringSession.starts_at, MentoringSession.id)
    ).scalars()
    return [s for s in rows if services.shown(s)]


def _message(session: MentoringSession, user, tomorrow: bool = True  # noqa: ANN001
             ) -> tuple[str, str]:
    """Subject and body of a reminder, in the recipient's language; "tomorrow" only
    when the session is tomorrow."""
    language = user.language or session.programme.language or "en"
    with force_locale(language):
        when_day = format_date(session.starts_at, "full", rebase=False)
        when_time = format_time(session.starts_at, "short", rebase=False)
        mode = {"face_to_face": _("face to face"), "online": _("online"),
                "blended": _("blended")}.get(session.mode, session.mode)
        if tomorrow:
            subject = _("Reminder: %(title)s tomorrow at %(time)s", title=session.title,
                        time=when_time)
            meets = _("Your mentoring group %(group)s meets tomorrow.",
                      group=session.group.name)
        else:
            subject = _("Reminder: %(title)s on %(day)s at %(time)s", title=session.title,
                        day=when_day, time=when_time)
            meets = _("Your mentoring group %(group)s meets on %(day)s.",
                      group=session.group.name, day=when_day)
        lines = [
            _("Hello %(name)s,", name=user.name), "", meets, "",
            f"{session.title}",
            _("When: %(day)s, %(time)s", day=when_day, time=when_time),
            _("How: %(mode)s", mode=mode),
        ]
        if session.location:
            lines.append(_("Where: %(place)s", place=session.location))
        if session.agenda_source:
            lines += ["", _("Agenda:"), session.agenda_source]
        lines += ["", _("Session page: %(url)s", url=url_for(
            "sessions.view", group_id=session.group_id, session_id=session.id, _external=True))]
    return subject, "\n".join(lines)


def _claim(session: MentoringSession, user_id: int) -> SessionReminder | None:
    """Record the reminder before sending; None when it was sent already."""
    reminder = SessionReminder(session_id=session.id, user_id=user_id,
                               starts_at=session.starts_at)
    db.session.add(reminder)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return reminder


def send_reminders(day: date | None = None) -> int:
    """Send the reminders for sessions on ``day`` (tomorrow by default) to everyone
    expected there; return how many mails went out. A reminder that cannot be
    sent is forgotten again so the next run retries it."""
    tomorrow = local_now().date() + timedelta(days=1)
    day = day or tomorrow
    base = current_app.config.get("SITE_URL") or "http://localhost"
    sent = 0
    with current_app.test_request_context("/", base_url=base):
        for session in due_sessions(day):
            existing = set(db.session.execute(
                db.select(SessionReminder.user_id).where(
                    SessionReminder.session_id == session.id,
                    SessionReminder.starts_at == session.starts_at)
            ).scalars())
            for member in services.attendees(session):
                user = member.user
                if user.id in existing or not user.is_active:
                    continue
                subject, body = _message(session, user, tomorrow=day == tomorrow)
                reminder = _claim(session, user.id)
                if reminder is None:
                    continue
                try:
                    send_mail(user.email, subject, body)
                except Exception:
                    log.exception("reminder for session %s to user %s failed", session.id,
                                  user.id)
                    db.session.delete(reminder)
                    db.session.commit()
                    continue
                sent += 1
    return sent


@click.group("sessions")
def sessions_group() -> None:
    """Mentoring sessions: reminders."""


@sessions_group.command("remind")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Send the reminders for sessions on this day (default: tomorrow).")
@with_appcontext
def remind_command(day: datetime | None) -> None:
    """E-mail everyone taking part in tomorrow's sessions (run it once a day)."""
    n = send_reminders(day.date() if day else None)
    click.echo(f"{n} reminder(s) sent.")
