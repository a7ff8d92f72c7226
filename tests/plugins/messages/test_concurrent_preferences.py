"""Two tabs on one's message settings: the second save answers 409 with its choice
kept, the first stays (whether or not the member had saved settings before)."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.messages.models import Preference
from tests.forms import second_save_refused


@pytest.mark.parametrize("existing", [False, True])
def test_preference_conflict(world, login_as, existing):
    prog, user = world["programme"], world["mentee_a"]
    if existing:
        db.session.add(Preference(user_id=user.id, programme_id=prog.id, email="immediately"))
        db.session.commit()
    url = f"/messages/p/{prog.id}/settings"
    page = second_save_refused(login_as, user, url, "email", "daily", "off")
    assert "Someone else saved this while you were editing it" in page
    assert [p.email for p in db.session.scalars(db.select(Preference))] == ["daily"]
