"""Nudges: inactive mentors and mentees get one reminder per inactivity period, activity
comes from the event log and the last login, managers see the reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.extensions import db
from core.models import Event, Membership, utcnow
from core.plugins import registry
from plugins.messages.models import Nudge
from plugins.messages.services.nudges import last_activity, run_nudges
from tests.plugins.messages.helpers import count, recipients

T0 = utcnow().replace(microsecond=0) - timedelta(days=200)


def _joined(programme, users, when=T0) -> None:
    """Pretend every member joined at ``when``."""
    db.session.execute(db.update(Membership).where(Membership.programme_id == programme.id)
                       .values(created_at=when))
    db.session.commit()


def _act(user, programme, when) -> None:
    db.session.add(Event(name="post_created", actor_id=user.id, programme_id=programme.id,
                         created_at=when))
    db.session.commit()


@pytest.fixture
def quiet(world, make):
    """A programme with one mentor and one mentee, both quiet since T0."""
    prog = make.programme()
    manager = make.member(prog, "manager", name="Quiet Manager")
    mentor = make.member(prog, "mentor", name="Quiet Mentor")
    mentee = make.member(prog, "mentee", name="Quiet Mentee")
    make.group(prog, "Quiet group", [(mentor, "mentor"), (mentee, "mentee")])
    _joined(prog, None)
    # keep the shared world's members out of these runs
    registry().set_enabled(world["programme"].id, "messages", False)
    return prog, manager, mentor, mentee


def test_nudge_fires_once_per_inactivity_period(app, quiet, smtp):
    prog, _manager, mentor, mentee = quiet
    _act(mentor, prog, T0 + timedelta(days=10))
    # day 22: the mentee has been quiet for 22 days, the mentor for 12
    assert run_nudges(T0 + timedelta(days=22)) == 1
    smtp.wait(1)
    assert recipients(smtp) == [mentee.email]
    mail = smtp.messages[0]
    assert mail["Subject"] == f"We miss you in {prog.title}"
    assert "for 22 days" in smtp.body(mail)
    # running again (same day or later, still quiet) sends nothing more
    assert run_nudges(T0 + timedelta(days=22)) == 0
    assert run_nudges(T0 + timedelta(days=30)) == 0
    assert len(smtp.messages) == 1
    # the mentor's own quiet period reaches 21 days on day 31
    assert run_nudges(T0 + timedelta(days=31)) == 1
    smtp.wait(2)
    assert recipients(smtp) == sorted([mentee.email, mentor.email])
    # the mentee comes back on day 40, then goes quiet again
    _act(mentee, prog, T0 + timedelta(days=40))
    assert run_nudges(T0 + timedelta(days=50)) == 0
    assert run_nudges(T0 + timedelta(days=61)) == 1
    assert run_nudges(T0 + timedelta(days=62)) == 0
    smtp.wait(3)
    assert sorted(m.envelope_rcpt[0] for m in smtp.messages) == sorted(
        [mentee.email, mentor.email, mentee.email])
    rows = db.session.execute(db.select(Nudge.user_id, Nudge.inactive_since)
                              .order_by(Nudge.id)).all()
    assert rows == [(mentee.id, T0), (mentor.id, T0 + timedelta(days=10)),
                    (mentee.id, T0 + timedelta(days=40))]


def test_activity_counts_only_in_its_programme_and_logins_count(app, quiet, make):
    prog, _manager, mentor, mentee = quiet
    other = make.programme()
    make.member(other, "mentee", user=mentee)
    _act(mentee, other, T0 + timedelta(days=20))  # busy elsewhere, quiet here
    assert last_activity(prog.id)[mentee.id].last_active == T0
    mentor.last_seen_at = T0 + timedelta(days=15)  # logged in on day 15
    db.session.commit()
    assert last_activity(prog.id)[mentor.id].last_active == T0 + timedelta(days=15)
    assert run_nudges(T0 + timedelta(days=22)) == 1
    assert db.session.scalar(db.select(Nudge.user_id)) == mentee.id


def test_managers_and_inactive_accounts_are_not_nudged(app, quiet):
    prog, manager, mentor, mentee = quiet
    mentor.active = False
    db.session.commit()
    assert run_nudges(T0 + timedelta(days=60)) == 1
    assert db.session.scalar(db.select(Nudge.user_id)) == mentee.id


def test_days_are_a_programme_setting(app, quiet, login_as):
    prog, manager, mentor, _mentee = quiet
    c = login_as(manager)
    assert 'value="21"' in c.get(f"/messages/p/{prog.id}/reminders").get_data(as_text=True)
    assert c.post(f"/messages/p/{prog.id}/reminders",
                  data={"inactive_days": "0"}).status_code == 400
    assert c.post(f"/messages/p/{prog.id}/reminders",
                  data={"inactive_days": "7"}).status_code == 302
    db.session.refresh(prog)
    assert prog.settings["messages"]["inactive_days"] == 7
    assert run_nudges(T0 + timedelta(days=6)) == 0
    assert run_nudges(T0 + timedelta(days=7)) == 2
    assert login_as(mentor).post(f"/messages/p/{prog.id}/reminders",
                                 data={"inactive_days": "1"}).status_code == 404


def test_no_nudges_in_closed_finished_or_disabled_programmes(app, quiet):
    prog, *_ = quiet
    when = T0 + timedelta(days=30)
    prog.status = "closed"
    db.session.commit()
    assert run_nudges(when) == 0
    prog.status = "active"
    prog.ends_on = date.today() - timedelta(days=400)
    db.session.commit()
    assert run_nudges(when) == 0
    prog.ends_on = None
    db.session.commit()
    registry().set_enabled(prog.id, "messages", False)
    assert run_nudges(when) == 0
    registry().set_enabled(prog.id, "messages", True)
    assert run_nudges(when) == 2


def test_managers_see_reminders_on_the_dashboard(app, quiet, login_as):
    prog, manager, mentor, mentee = quiet
    # nudged "now" so the reminder is recent; the mentee was quiet since T0
    assert run_nudges() == 2
    dash = login_as(manager).get("/dashboard").get_data(as_text=True)
    assert "Reminders for inactivity" in dash
    assert "Quiet Mentee" in dash and "still inactive" in dash
    mentee_dash = login_as(mentee).get("/dashboard").get_data(as_text=True)
    assert "Reminders for inactivity" not in mentee_dash
    # the mentee logged in just now (login_as): the manager sees them active again
    page = login_as(manager).get(f"/messages/p/{prog.id}/reminders").get_data(as_text=True)
    assert "active again" in page
    assert login_as(mentor).get(f"/messages/p/{prog.id}/reminders").status_code == 404


def test_nudge_command(app, quiet, smtp):
    result = app.test_cli_runner().invoke(args=["messages", "nudge"])
    assert result.exit_code == 0, result.output
    assert "2 reminder(s) sent." in result.output
    again = app.test_cli_runner().invoke(args=["messages", "nudge"])
    assert "0 reminder(s) sent." in again.output
    assert count(Nudge) == 2
