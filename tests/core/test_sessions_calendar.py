"""The calendar: upcoming sessions on the dashboard, the month view, the secret
iCalendar feed and the reminders mailed the day before."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from core.extensions import db
from core.models import SessionReminder


def _session(world, group="group_a", title="Skills session", **kw):
    from core.sessions.services import plan_session

    kw.setdefault("starts_at", datetime(2031, 3, 4, 17, 30))
    s = plan_session(world[group], "core.initial", title=title, actor=world["mentor_a"], **kw)
    db.session.commit()
    return s


def _feed(client, user, token=None):
    return client.get(f"/calendar/feed/{user.id}/{token or user.feed_token}.ics")


def test_ical_feed_parses_and_lists_only_the_users_sessions(world, client):
    _session(world, location="Library, room 3", agenda="Bring your **CV**",
             duration_minutes=90)
    _session(world, title="Cancelled one", starts_at=datetime(2031, 3, 6, 9, 0))
    from core.sessions.services import cancel

    cancelled = _session(world, title="Called off", starts_at=datetime(2031, 3, 7, 9, 0))
    cancel(cancelled)
    _session(world, group="group_b", title="Group B meeting")
    _session(world, title="Only for A2", mentee_id=world["mentee_a2"].id)
    _session(world, title="No date yet", starts_at=None)
    db.session.commit()

    resp = _feed(client, world["mentee_a"])
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Skills session", "Cancelled one", "Called off"}
    skills = events["Skills session"]
    assert skills.decoded("DTSTART") == datetime(2031, 3, 4, 17, 30)
    assert skills.decoded("DTEND") == datetime(2031, 3, 4, 19, 0)
    assert str(skills["LOCATION"]) == "Library, room 3"
    assert "Bring your **CV**" in str(skills["DESCRIPTION"])
    assert str(skills["STATUS"]) == "CONFIRMED" and str(events["Called off"]["STATUS"]) == \
        "CANCELLED"
    assert len({str(e["UID"]) for e in events.values()}) == 3

    manager = {str(e["SUMMARY"]) for e in
               Calendar.from_ical(_feed(client, world["manager"]).data).walk("VEVENT")}
    assert {"Group B meeting", "Only for A2", "Skills session"} <= manager
    a2 = {str(e["SUMMARY"]) for e in
          Calendar.from_ical(_feed(client, world["mentee_a2"]).data).walk("VEVENT")}
    assert "Only for A2" in a2 and "Group B meeting" not in a2


def test_ical_feed_refuses_a_wrong_token(world, client):
    _session(world)
    user = world["mentee_a"]
    assert _feed(client, user, "not-the-token").status_code == 404
    assert _feed(client, user, world["mentee_b"].feed_token).status_code == 404
    assert client.get(f"/calendar/feed/999999/{user.feed_token}.ics").status_code == 404
    user.active = False
    db.session.commit()
    assert _feed(client, user).status_code == 404


def test_renewing_the_secret_address_retires_the_old_one(world, login_as, client):
    user = world["mentee_a"]
    old = user.feed_token
    c = login_as(user)
    assert c.get(f"/calendar/feed/{user.id}/{old}.ics").status_code == 200
    page = c.get("/calendar").get_data(as_text=True)
    assert f"/calendar/feed/{user.id}/{old}.ics" in page
    assert c.get("/calendar/feed/renew").status_code == 405  # no change on GET
    assert c.post("/calendar/feed/renew").status_code == 302
    db.session.expire_all()
    assert user.feed_token != old
    assert client.get(f"/calendar/feed/{user.id}/{old}.ics").status_code == 404
    assert _feed(client, user).status_code == 200


def test_month_view_is_an_accessible_table_of_ones_sessions(world, login_as):
    _session(world, title="March meeting")
    _session(world, group="group_b", title="Not mine")
    _session(world, title="April meeting", starts_at=datetime(2031, 4, 20, 10, 0))
    c = login_as(world["mentee_a"])
    body = c.get("/calendar?month=2031-03").get_data(as_text=True)
    assert "<caption>March 2031</caption>" in body
    assert body.count('<th scope="col">') == 7 and 'title="Monday"' in body
    assert "March meeting" in body and "5:30" in body
    assert "Not mine" not in body and "April meeting" not in body
    assert "month=2031-04" in body and "month=2031-02" in body
    empty = c.get("/calendar?month=2031-06").get_data(as_text=True)
    assert "No sessions this month." in empty
    assert c.get("/calendar?month=garbage").status_code == 200
    assert login_as(world["outsider"]).get("/calendar").status_code == 200


def test_dashboard_shows_upcoming_sessions(world, login_as):
    from core.sessions.blueprint import local_now

    soon = (local_now() + timedelta(days=3)).replace(hour=15, minute=0, second=0,
                                                      microsecond=0)
    _session(world, title="Coming up soon", starts_at=soon)
    _session(world, title="Long ago", starts_at=datetime(2020, 1, 1, 10, 0))
    _session(world, group="group_b", title="Other group soon", starts_at=soon)
    body = login_as(world["mentee_a"]).get("/dashboard").get_data(as_text=True)
    assert "Upcoming sessions" in body and "Coming up soon" in body
    assert "Long ago" not in body and "Other group soon" not in body


def test_reminders_the_day_before_go_to_a_real_smtp_server_once(app, world, smtp):
    _session(world, title="CV workshop", location="Library, room 3")
    _session(world, title="Next week", starts_at=datetime(2031, 3, 11, 17, 30))
    _session(world, group="group_b", title="Group B, same day")
    from core.sessions.services import cancel

    off = _session(world, title="Called off")
    cancel(off)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sessions", "remind", "--day", "2031-03-04"])
    assert result.exit_code == 0, result.output
    assert "5 reminder(s) sent." in result.output
    messages = smtp.wait(5)
    assert len(messages) == 5
    mine = smtp.to(world["mentee_a"].email)
    assert len(mine) == 1
    # --day names a day that is not tomorrow: the mail names the day
    assert mine[0]["Subject"] == \
        "Reminder: CV workshop on Tuesday, March 4, 2031 at 5:30\u202fPM"
    body = smtp.body(mine[0])
    assert "meets on Tuesday, March 4, 2031." in body and "tomorrow" not in body
    assert "Library, room 3" in body and "Group A" in body
    assert "/sessions/" in body
    # a long subject is folded in transit; unfolding may leave two spaces
    assert {re.sub(" +", " ", m["Subject"]) for m in smtp.to(world["mentee_b"].email)} == \
        {"Reminder: Group B, same day on Tuesday, March 4, 2031 at 5:30\u202fPM"}
    assert db.session.execute(db.select(db.func.count(SessionReminder.id))).scalar() == 5

    again = runner.invoke(args=["sessions", "remind", "--day", "2031-03-04"])
    assert "0 reminder(s) sent." in again.output
    assert len(smtp.messages) == 5


def test_reminders_for_tomorrow_say_tomorrow(app, world, smtp):
    from core.sessions.blueprint import local_now
    from core.sessions.reminders import send_reminders

    tomorrow = (local_now() + timedelta(days=1)).replace(hour=17, minute=30, second=0,
                                                         microsecond=0)
    _session(world, title="CV workshop", starts_at=tomorrow)
    assert send_reminders() == 3
    mine = smtp.wait(3) and smtp.to(world["mentee_a"].email)
    assert mine[0]["Subject"] == "Reminder: CV workshop tomorrow at 5:30\u202fPM"
    assert "meets tomorrow." in smtp.body(mine[0])


def test_rescheduled_session_gets_a_new_reminder(app, world, smtp):
    from core.sessions.reminders import send_reminders

    s = _session(world)
    assert send_reminders(datetime(2031, 3, 4).date()) == 3
    s.starts_at = datetime(2031, 3, 5, 9, 0)
    db.session.commit()
    assert send_reminders(datetime(2031, 3, 5).date()) == 3
    assert send_reminders(datetime(2031, 3, 5).date()) == 0
    assert len(smtp.wait(6)) == 6


def test_reminder_not_recorded_when_sending_fails(app, world):
    from core.sessions.reminders import send_reminders

    _session(world)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nobody listens there
    try:
        assert send_reminders(datetime(2031, 3, 4).date()) == 0
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert db.session.execute(db.select(db.func.count(SessionReminder.id))).scalar() == 0


@pytest.mark.parametrize("path", ["/calendar", "/calendar/feed/renew"])
def test_calendar_needs_a_login(client, path):
    resp = client.get(path) if path == "/calendar" else client.post(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_month_view_and_feed_cost_the_same_queries_for_10_and_200_sessions(world, login_as,
                                                                           client, queries):
    from core.sessions.services import plan_session

    user = world["mentee_a"]
    c = login_as(user)
    counts = []
    for n in (10, 190):
        for i in range(n):
            plan_session(world["group_a" if i % 2 else "group_b"], "core.initial",
                         title=f"S{i}", starts_at=datetime(2031, 3, 1 + i % 28, 9, 0))
        db.session.commit()
        c.get("/calendar?month=2031-03")
        with queries() as q1:
            assert c.get("/calendar?month=2031-03").status_code == 200
        with queries() as q2:
            assert _feed(client, user).status_code == 200
        counts.append((q1.count, q2.count))
    assert counts[0] == counts[1]
