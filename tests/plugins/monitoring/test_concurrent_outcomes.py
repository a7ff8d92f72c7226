"""Two tabs on a mentee's outcome: the second save answers 409 with its text kept in
that mentee's form, and the first save stays."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.monitoring.models import Goal, Outcome
from tests.forms import form_fields


@pytest.mark.parametrize("existing", [False, True])
def test_outcome_conflict(world, login_as, existing):
    group, mentee = world["group_a"], world["mentee_a"]
    if existing:
        db.session.add(Outcome(programme_id=group.programme_id, mentee_id=mentee.id,
                               competences="Start"))
        db.session.commit()
    page = f"/monitoring/groups/{group.id}/outcomes"
    url = f"{page}/{mentee.id}"
    key, version = f"m{mentee.id}-competences", f"m{mentee.id}-version"
    tab1, tab2 = login_as(world["mentor_a"]), login_as(world["mentor_a"])
    f1 = form_fields(tab1.get(page).get_data(as_text=True), having=version)
    f2 = form_fields(tab2.get(page).get_data(as_text=True), having=version)
    assert tab1.post(url, data={**f1, key: "Writing a CV"}).status_code == 302
    resp = tab2.post(url, data={**f2, key: "Job interviews"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else saved this while you were editing it" in html
    assert "Writing a CV" in html
    kept = form_fields(html, having=version)
    assert kept[key] == "Job interviews"
    db.session.expire_all()
    assert [o.competences for o in db.session.scalars(db.select(Outcome))] == ["Writing a CV"]
    # merged and saved again from the conflict page: accepted
    assert tab2.post(url, data={**kept, key: "Both"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Outcome)).competences == "Both"


def test_goal_progress_conflict(world, login_as):
    group, mentee = world["group_a"], world["mentee_a"]
    goal = Goal(programme_id=group.programme_id, mentee_id=mentee.id, title="Get a job",
                progress=10)
    db.session.add(goal)
    db.session.commit()
    page = f"/monitoring/groups/{group.id}/outcomes"
    url = f"/monitoring/groups/{group.id}/goals/{mentee.id}/{goal.id}"
    tab1, tab2 = login_as(world["mentor_a"]), login_as(world["mentor_a"])
    f1 = form_fields(tab1.get(page).get_data(as_text=True), having="progress")
    f2 = form_fields(tab2.get(page).get_data(as_text=True), having="progress")
    assert tab1.post(url, data={**f1, "progress": "40"}).status_code == 302
    resp = tab2.post(url, data={**f2, "progress": "60"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else saved this while you were editing it" in html
    assert form_fields(html, having="progress")["progress"] == "60"
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).progress == 40
