"""Two tabs on one's matching profile: the second save answers 409 with its text still
in the form, and the first save stays."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.matching.models import Profile
from tests.forms import form_fields, second_save_refused, two_tabs


@pytest.mark.parametrize("existing", [False, True])
def test_profile_edit_conflict(world, mx, login_as, existing):
    pid = world["programme"].id
    if existing:
        mx.profile(world["programme"], world["mentee_a"], goals="Start", languages=["en"])
    url = f"/p/{pid}/matching/profile"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentee_a"], url)
    assert f1["version"] == ("1" if existing else "0")
    assert tab1.post(url, data={**f1, "goals": "Goals from tab one"}).status_code == 302
    resp = tab2.post(url, data={**f2, "goals": "Goals from tab two"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Goals from tab one" in html
    assert form_fields(html)["goals"] == "Goals from tab two"
    db.session.expire_all()
    assert [p.goals for p in db.session.scalars(db.select(Profile))] == ["Goals from tab one"]


def test_matching_settings_conflict(world, login_as):
    prog = world["programme"]
    url = f"/p/{prog.id}/matching/settings"
    second_save_refused(login_as, world["manager"], url, "pairing_weeks", "12", "20")
    assert db.session.get(type(prog), prog.id).settings["matching"]["pairing_weeks"] == 12
