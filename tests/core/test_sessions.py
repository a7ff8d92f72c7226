"""Mentoring sessions: life cycle, attendance, the mentor's notes and who may do what."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.extensions import db
from core.models import Event, MentoringSession, SessionAttendance


def _session(world, group="group_a", **kw):
    from core.sessions.services import plan_session

    grp = world[group]
    kw.setdefault("starts_at", datetime(2031, 3, 4, 17, 30))
    s = plan_session(grp, "core.initial", title=kw.pop("title", "First meeting"),
                     actor=world["mentor_a"], **kw)
    db.session.commit()
    return s


def _events(name):
    return db.session.execute(db.select(Event).where(Event.name == name)).scalars().all()


def test_life_cycle_planned_held_with_attendance_and_notes(world, login_as):
    c = login_as(world["mentor_a"])
    g = world["group_a"]
    resp = c.post(f"/groups/{g.id}/sessions/new", data={
        "type": "core.initial", "title": "Getting to know each other", "date": "2031-03-04",
        "time": "17:30", "duration_minutes": "90", "mode": "online",
        "location": "https://meet.example.org/abc", "agenda": "1. **Hello**", "mentee_id": "0",
    })
    assert resp.status_code == 302
    s = db.session.execute(db.select(MentoringSession)).scalar_one()
    assert (s.status, s.mode, s.starts_at) == ("planned", "online", datetime(2031, 3, 4, 17, 30))
    assert s.agenda_html == "<ol>\n<li><strong>Hello</strong></li>\n</ol>"
    assert len(_events("session_planned")) == 1

    page = c.get(f"/groups/{g.id}/sessions/{s.id}").get_data(as_text=True)
    assert "Getting to know each other" in page and 'href="https://meet.example.org/abc"' in page

    form = c.get(f"/groups/{g.id}/sessions/{s.id}/hold").get_data(as_text=True)
    for person in ("Mentor A", "Mentee A", "Mentee A2"):
        assert person in form
    resp = c.post(f"/groups/{g.id}/sessions/{s.id}/hold", data={
        f"attendance-{world['mentor_a'].id}": "present",
        f"attendance-{world['mentee_a'].id}": "present",
        f"attendance-{world['mentee_a2'].id}": "excused",
        "notes": "Mentee A wants to work *in care*.",
    })
    assert resp.status_code == 302
    db.session.expire_all()
    s = db.session.get(MentoringSession, s.id)
    assert s.status == "held"
    assert s.notes_html == "<p>Mentee A wants to work <em>in care</em>.</p>"
    marks = {a.user_id: a.status for a in s.attendance}
    assert marks == {world["mentor_a"].id: "present", world["mentee_a"].id: "present",
                     world["mentee_a2"].id: "excused"}
    held = _events("session_held")
    assert len(held) == 1 and held[0].data["present"] == 2 and held[0].data["expected"] == 2
    assert held[0].group_id == g.id

    # correcting the attendance later does not count the session twice
    c.post(f"/groups/{g.id}/sessions/{s.id}/hold", data={
        f"attendance-{world['mentor_a'].id}": "present",
        f"attendance-{world['mentee_a'].id}": "present",
        f"attendance-{world['mentee_a2'].id}": "absent", "notes": "",
    })
    assert len(_events("session_held")) == 1
    assert db.session.get(SessionAttendance, (s.id, world["mentee_a2"].id)).status == "absent"

    # held sessions cannot be cancelled or removed
    assert c.post(f"/groups/{g.id}/sessions/{s.id}/cancel").status_code == 400
    assert c.post(f"/groups/{g.id}/sessions/{s.id}/delete").status_code == 400


def test_attendance_rejects_unknown_values_and_keeps_input(world, login_as):
    s = _session(world)
    c = login_as(world["mentor_a"])
    resp = c.post(f"/groups/{world['group_a'].id}/sessions/{s.id}/hold", data={
        f"attendance-{world['mentor_a'].id}": "present",
        f"attendance-{world['mentee_a'].id}": "asleep",
        "notes": "keep this text",
    })
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "keep this text" in body and "Not a valid choice" in body
    assert db.session.get(MentoringSession, s.id).status == "planned"


def test_cancel_asks_first_then_replan_and_delete(world, login_as):
    s = _session(world)
    g = world["group_a"]
    c = login_as(world["mentor_a"])
    confirm = c.get(f"/groups/{g.id}/sessions/{s.id}/cancel")
    assert confirm.status_code == 200 and "Cancel the session" in confirm.get_data(as_text=True)
    assert db.session.get(MentoringSession, s.id).status == "planned"  # GET changes nothing
    assert c.post(f"/groups/{g.id}/sessions/{s.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringSession, s.id).status == "cancelled"
    assert len(_events("session_cancelled")) == 1
    assert c.post(f"/groups/{g.id}/sessions/{s.id}/replan").status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringSession, s.id).status == "planned"
    assert c.post(f"/groups/{g.id}/sessions/{s.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringSession, s.id) is None


def test_session_form_errors_keep_input(world, login_as):
    c = login_as(world["mentor_a"])
    resp = c.post(f"/groups/{world['group_a'].id}/sessions/new", data={
        "type": "core.initial", "title": "Half a date", "date": "2031-03-04", "time": "",
        "duration_minutes": "60", "mode": "online", "mentee_id": "0", "agenda": "my agenda",
    })
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "Give the starting time as well." in body and "my agenda" in body
    assert db.session.execute(db.select(MentoringSession)).first() is None


def test_mentor_notes_are_for_staff_only(world, login_as):
    s = _session(world)
    from core.sessions.services import hold

    hold(s, {world["mentee_a"].id: "present"}, "private observation", world["mentor_a"])
    db.session.commit()
    url = f"/groups/{world['group_a'].id}/sessions/{s.id}"
    assert "private observation" in login_as(world["mentor_a"]).get(url).get_data(as_text=True)
    assert "private observation" in login_as(world["manager"]).get(url).get_data(as_text=True)
    mentee_page = login_as(world["mentee_a"]).get(url)
    assert mentee_page.status_code == 200
    assert "private observation" not in mentee_page.get_data(as_text=True)


def test_one_mentee_session_is_seen_by_that_mentee_and_staff_only(world, login_as):
    s = _session(world, mentee_id=world["mentee_a"].id, title="Just the two of us")
    g = world["group_a"]
    url = f"/groups/{g.id}/sessions/{s.id}"
    assert login_as(world["mentee_a"]).get(url).status_code == 200
    assert login_as(world["mentor_a"]).get(url).status_code == 200
    other = login_as(world["mentee_a2"])
    assert other.get(url).status_code == 404
    assert "Just the two of us" not in other.get(f"/groups/{g.id}/sessions").get_data(as_text=True)
    from core.sessions.services import attendees

    assert {m.user_id for m in attendees(s)} == {world["mentor_a"].id, world["mentee_a"].id}


VIEW = "/groups/{g}/sessions/{s}"
ACTIONS = {
    "view": ("get", VIEW),
    "plan": ("get", "/groups/{g}/sessions"),
    "edit": ("get", VIEW + "/edit"),
    "hold": ("get", VIEW + "/hold"),
    "cancel": ("post", VIEW + "/cancel"),
    "new": ("get", "/groups/{g}/sessions/new"),
    "revise": ("get", "/groups/{g}/sessions/plan"),
}
# role -> (own group allowed actions); other groups are always refused, except managers
ALLOWED = {
    "manager": set(ACTIONS),
    "mentor_a": set(ACTIONS),
    "mentee_a": {"view", "plan"},
    "mentor_b": set(),
    "mentee_b": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, login_as, who, action):
    s = _session(world)
    method, url = ACTIONS[action]
    c = login_as(world[who])
    resp = getattr(c, method)(url.format(g=world["group_a"].id, s=s.id))
    if action in ALLOWED[who]:
        assert resp.status_code in (200, 302), resp.status_code
    else:
        assert resp.status_code == 404


def test_session_id_of_another_group_answers_404(world, login_as):
    s_b = _session(world, group="group_b", title="Group B only")
    c = login_as(world["mentor_a"])
    # group A's URL with group B's session id
    for suffix in ("", "/edit", "/hold"):
        assert c.get(f"/groups/{world['group_a'].id}/sessions/{s_b.id}{suffix}").status_code == 404
    assert c.post(f"/groups/{world['group_a'].id}/sessions/{s_b.id}/cancel").status_code == 404
    assert db.session.get(MentoringSession, s_b.id).status == "planned"


def test_group_summary_figures(world):
    from core.plugins import hooks
    from core.sessions.services import hold

    s1 = _session(world)
    _session(world, title="Second")
    hold(s1, {world["mentee_a"].id: "present", world["mentee_a2"].id: "absent",
              world["mentor_a"].id: "excused"}, "", world["mentor_a"])
    db.session.commit()
    merged = {}
    for result in hooks(world["programme"]).group_summary(groups=[world["group_a"],
                                                                  world["group_b"]]):
        for gid, values in result.items():
            merged.setdefault(gid, {}).update(values)
    a = merged[world["group_a"].id]
    assert (a["sessions_planned"], a["sessions_held"], a["attendance_rate"]) == (1, 1, 0.5)
    assert merged[world["group_b"].id]["attendance_rate"] is None


def test_group_summary_costs_constant_queries(world, make, queries):
    from core.sessions.services import group_figures, hold, plan_session

    prog = world["programme"]
    groups = [make.group(prog, members=[(world["mentee_a"], "mentee")]) for _ in range(20)]
    for g in groups:
        s = plan_session(g, "core.initial", title="x", starts_at=datetime(2031, 1, 1, 10, 0))
        hold(s, {world["mentee_a"].id: "present"}, "", None)
    db.session.commit()
    ids = [g.id for g in groups]
    with queries() as q1:
        few = group_figures(ids[:3])
    with queries() as q2:
        many = group_figures(ids)
    assert q1.count == q2.count
    assert len(many) == 20 and all(f["attendance_rate"] == 1.0 for f in many.values())
    assert few[ids[0]]["sessions_held"] == 1
