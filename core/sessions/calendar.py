"""The month view of one's sessions and the secret iCalendar feed address."""

from __future__ import annotations

import calendar as pycalendar
import hmac
from datetime import date, datetime, timedelta

from babel.dates import get_day_names
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.models import User, new_token
from core.permissions import capability_required, public
from core.sessions import services
from core.sessions.blueprint import bp, local_now
from core.sessions.ical import user_feed
from core.views.forms import ConfirmForm


def _month() -> date:
    """The month asked for by ``?month=YYYY-MM`` (this month when absent or wrong)."""
    raw = request.args.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return local_now().date().replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def feed_url(user: User) -> str:
    """The secret address of the user's iCalendar feed."""
    return url_for("sessions.feed", user_id=user.id, token=user.feed_token, _external=True)


@bp.route("/calendar")
@capability_required("core.view_calendar")
def month():
    first = _month()
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = datetime.combine(weeks[0][0], datetime.min.time())
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), datetime.min.time())
    by_day: dict[date, list] = {}
    for s in services.user_sessions(current_user, start=start, end=end):
        by_day.setdefault(s.starts_at.date(), []).append(s)
    wide = get_day_names("wide", locale=get_locale())
    short = get_day_names("abbreviated", locale=get_locale())
    return render_template(
        "sessions/calendar.html", first=first, weeks=weeks, by_day=by_day,
        day_names=[(wide[i], short[i]) for i in range(7)], today=local_now().date(),
        caption=format_date(first, "LLLL y", rebase=False),
        prev_month=_shift(first, -1).strftime("%Y-%m"),
        next_month=_shift(first, 1).strftime("%Y-%m"),
        in_month=sum(len(v) for d, v in by_day.items() if d.month == first.month),
        feed=feed_url(current_user), confirm=ConfirmForm(),
    )


@bp.route("/calendar/feed/renew", methods=["POST"])
@capability_required("core.view_calendar")
def renew_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    current_user.feed_token = new_token()
    db.session.commit()
    flash(_("Your calendar has a new secret address. The old one no longer works."), "success")
    return redirect(url_for(".month"))


@bp.route("/calendar/feed/<int:user_id>/<token>.ics")
@public
def feed(user_id: int, token: str):
    """The user's sessions for calendar apps; the secret token stands in for a login."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        abort(404)
    if not hmac.compare_digest(user.feed_token.encode(), token.encode()):
        abort(404)
    with force_locale(user.language or "en"):
        body = user_feed(user)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="sessions.ics"',
                             "Cache-Control": "private, max-age=300"})
