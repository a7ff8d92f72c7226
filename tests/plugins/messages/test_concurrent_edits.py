"""Two tabs on the reminder setting: the second save answers 409 and the first stays."""

from __future__ import annotations

from core.extensions import db
from core.models import Programme
from tests.forms import second_save_refused


def test_reminder_setting_conflict(world, login_as):
    prog = world["programme"]
    url = f"/messages/p/{prog.id}/reminders"
    second_save_refused(login_as, world["manager"], url, "inactive_days", "30", "5")
    assert db.session.get(Programme, prog.id).settings["messages"]["inactive_days"] == 30
