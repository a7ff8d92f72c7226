"""Two tabs on the reminder setting: the second save answers 409 and the first stays."""

from __future__ import annotations

from core.extensions import db
from core.models import Programme
from tests.forms import form_fields, two_tabs


def test_reminder_setting_conflict(world, login_as):
    prog = world["programme"]
    url = f"/messages/p/{prog.id}/reminders"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["manager"], url)
    assert tab1.post(url, data={**f1, "inactive_days": "30"}).status_code == 302
    resp = tab2.post(url, data={**f2, "inactive_days": "5"})
    assert resp.status_code == 409
    assert form_fields(resp.get_data(as_text=True))["inactive_days"] == "5"
    db.session.expire_all()
    assert db.session.get(Programme, prog.id).settings["messages"]["inactive_days"] == 30
