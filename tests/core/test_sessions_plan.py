"""The session plan: the initial session of every group, the plan editor and the
revisions kept of every change, with printable views."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.extensions import db
from core.models import Event, MentoringGroup, MentoringSession, SessionPlanRevision


def _plan(group_id):
    return db.session.execute(
        db.select(MentoringSession).where(MentoringSession.group_id == group_id)
        .order_by(MentoringSession.position, MentoringSession.id)
    ).scalars().all()


def _revisions(group_id):
    return db.session.execute(
        db.select(SessionPlanRevision).where(SessionPlanRevision.group_id == group_id)
        .order_by(SessionPlanRevision.number)
    ).scalars().all()


def test_new_group_gets_the_initial_session_and_plan_revision_1(world, login_as):
    c = login_as(world["manager"])
    resp = c.post(f"/p/{world['programme'].id}/groups/new", data={"name": "Group C"})
    assert resp.status_code == 302
    group = db.session.execute(
        db.select(MentoringGroup).where(MentoringGroup.name == "Group C")).scalar_one()
    plan = _plan(group.id)
    assert [(s.type, s.plugin, s.status, s.position) for s in plan] == \
        [("core.initial", "core", "planned", 0)]
    assert plan[0].title == "Initial mentoring and management session"
    revs = _revisions(group.id)
    assert [r.number for r in revs] == [1] and revs[0].snapshot[0]["type"] == "core.initial"
    names = db.session.execute(
        db.select(Event.name).where(Event.group_id == group.id)).scalars().all()
    assert {"group_created", "session_planned", "plan_revised"} <= set(names)
    page = c.get(f"/groups/{group.id}/sessions").get_data(as_text=True)
    assert "Initial mentoring and management session" in page


def _initial(world, group="group_a"):
    from core.sessions.services import create_initial_session

    s = create_initial_session(world[group], world["manager"])
    db.session.commit()
    return s


def test_plan_editor_adds_orders_and_keeps_every_revision(world, login_as):
    g = world["group_a"]
    initial = _initial(world)
    c = login_as(world["mentor_a"])
    form = c.get(f"/groups/{g.id}/sessions/plan").get_data(as_text=True)
    assert 'name="rows-0-session_id"' in form and 'name="rows-3-type"' in form
    assert "Type of session, row 2" in form  # every input has a label
    resp = c.post(f"/groups/{g.id}/sessions/plan", data={
        "rows-0-session_id": str(initial.id), "rows-0-order": "1", "rows-0-type": "core.initial",
        "rows-0-title": initial.title, "rows-0-date": "2031-02-01", "rows-0-time": "10:00",
        "rows-1-session_id": "", "rows-1-order": "3", "rows-1-type": "core.initial",
        "rows-1-title": "Job search plan", "rows-1-date": "", "rows-1-time": "",
        "rows-2-session_id": "", "rows-2-order": "2", "rows-2-type": "core.initial",
        "rows-2-title": "Skills and interests", "rows-2-date": "2031-02-08",
        "rows-2-time": "16:30",
        "rows-3-session_id": "", "rows-3-order": "4", "rows-3-type": "", "rows-3-title": "",
        "note": "First plan with Mentee A",
    })
    assert resp.status_code == 302
    plan = _plan(g.id)
    assert [s.title for s in plan] == [initial.title, "Skills and interests", "Job search plan"]
    assert plan[1].starts_at == datetime(2031, 2, 8, 16, 30) and plan[2].starts_at is None
    revs = _revisions(g.id)
    assert [r.number for r in revs] == [1, 2]
    assert revs[1].note == "First plan with Mentee A"
    assert [i["title"] for i in revs[1].snapshot] == [s.title for s in plan]
    assert revs[1].created_by_id == world["mentor_a"].id

    # second revision: reorder and remove; the older revisions stay as they were
    c.post(f"/groups/{g.id}/sessions/plan", data={
        "rows-0-session_id": str(plan[0].id), "rows-0-order": "2", "rows-0-type": "core.initial",
        "rows-0-title": plan[0].title, "rows-0-date": "2031-02-01", "rows-0-time": "10:00",
        "rows-1-session_id": str(plan[1].id), "rows-1-order": "2", "rows-1-type": "core.initial",
        "rows-1-title": plan[1].title, "rows-1-date": "", "rows-1-time": "",
        "rows-1-remove": "y",
        "rows-2-session_id": str(plan[2].id), "rows-2-order": "1", "rows-2-type": "core.initial",
        "rows-2-title": "Job search plan", "rows-2-date": "2031-03-01", "rows-2-time": "09:00",
    })
    db.session.expire_all()
    assert [s.title for s in _plan(g.id)] == ["Job search plan", initial.title]
    revs = _revisions(g.id)
    assert [r.number for r in revs] == [1, 2, 3]
    assert [i["title"] for i in revs[1].snapshot] == [initial.title, "Skills and interests",
                                                      "Job search plan"]
    old = c.get(f"/groups/{g.id}/sessions/revisions/2").get_data(as_text=True)
    assert "Skills and interests" in old and "First plan with Mentee A" in old
    listing = c.get(f"/groups/{g.id}/sessions/revisions").get_data(as_text=True)
    assert "Revision 3" in listing and "Revision 1" in listing
    assert db.session.execute(db.select(db.func.count(Event.id))
                              .where(Event.name == "plan_revised")).scalar() == 3


def test_saving_an_unchanged_plan_keeps_no_new_revision(world, login_as):
    g = world["group_a"]
    s = _initial(world)
    c = login_as(world["mentor_a"])
    resp = c.post(f"/groups/{g.id}/sessions/plan", data={
        "rows-0-session_id": str(s.id), "rows-0-order": "1", "rows-0-type": "core.initial",
        "rows-0-title": s.title,
    }, follow_redirects=True)
    assert "The plan did not change." in resp.get_data(as_text=True)
    assert len(_revisions(g.id)) == 1


def test_plan_editor_errors_keep_what_was_typed(world, login_as):
    g = world["group_a"]
    _initial(world)
    c = login_as(world["mentor_a"])
    resp = c.post(f"/groups/{g.id}/sessions/plan", data={
        "rows-0-session_id": "", "rows-0-order": "1", "rows-0-type": "",
        "rows-0-title": "A title without a type",
        "rows-1-session_id": "", "rows-1-order": "x", "rows-1-type": "core.initial",
        "rows-1-title": "Bad order",
    })
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "Choose the type of session." in body and "A title without a type" in body
    assert "Not a valid integer value" in body
    assert len(_plan(g.id)) == 1 and len(_revisions(g.id)) == 1


def test_plan_editor_refuses_sessions_of_another_group(world, login_as):
    _initial(world)
    other = _initial(world, "group_b")
    c = login_as(world["mentor_a"])
    resp = c.post(f"/groups/{world['group_a'].id}/sessions/plan", data={
        "rows-0-session_id": str(other.id), "rows-0-order": "1", "rows-0-type": "core.initial",
        "rows-0-title": "hijacked",
    })
    assert resp.status_code == 400
    assert db.session.get(MentoringSession, other.id).title != "hijacked"


def test_held_sessions_stay_in_the_plan(world, login_as):
    from core.sessions.services import hold

    g = world["group_a"]
    s = _initial(world)
    s.starts_at = datetime(2031, 1, 1, 10, 0)
    hold(s, {world["mentee_a"].id: "present"}, "", world["mentor_a"])
    db.session.commit()
    c = login_as(world["mentor_a"])
    c.post(f"/groups/{g.id}/sessions/plan", data={
        "rows-0-session_id": str(s.id), "rows-0-order": "1", "rows-0-remove": "y",
    })
    assert [x.id for x in _plan(g.id)] == [s.id]


def test_group_reads_the_plan_and_prints_it(world, login_as):
    g = world["group_a"]
    _initial(world)
    c = login_as(world["mentee_a"])
    plan = c.get(f"/groups/{g.id}/sessions").get_data(as_text=True)
    assert "Revise the plan" not in plan and "Printable plan" in plan
    printed = c.get(f"/groups/{g.id}/sessions/print")
    body = printed.get_data(as_text=True)
    assert printed.status_code == 200
    assert "sessions.css" in body and 'class="printable"' in body and "Mentee A" in body
    css = c.get("/static/core/sessions.css").get_data(as_text=True)
    assert "@media print" in css
    assert c.get(f"/groups/{g.id}/sessions/revisions/1").status_code == 200
    assert c.get(f"/groups/{g.id}/sessions/revisions/9").status_code == 404
    assert login_as(world["mentee_b"]).get(f"/groups/{g.id}/sessions/print").status_code == 404
    assert login_as(world["mentee_b"]).get(
        f"/groups/{g.id}/sessions/revisions/1").status_code == 404


def test_group_page_links_to_the_plan_and_nav_has_sessions(world, login_as):
    c = login_as(world["mentee_a"])
    page = c.get(f"/groups/{world['group_a'].id}").get_data(as_text=True)
    assert f'/groups/{world["group_a"].id}/sessions"' in page
    course = c.get(f"/p/{world['programme'].id}").get_data(as_text=True)
    assert f'/p/{world["programme"].id}/sessions"' in course and ">Sessions<" in course
    overview = c.get(f"/p/{world['programme'].id}/sessions")
    assert overview.status_code == 200
    assert "Session plan of Group A" in overview.get_data(as_text=True)
    assert "Group B" not in overview.get_data(as_text=True)


def test_order_by_date_puts_undated_sessions_last(world):
    from core.sessions.services import order_by_date, plan_session

    g = world["group_a"]
    late = plan_session(g, "core.initial", title="late", starts_at=datetime(2031, 5, 1, 9, 0))
    undated = plan_session(g, "core.initial", title="undated")
    early = plan_session(g, "core.initial", title="early", starts_at=datetime(2031, 4, 1, 9, 0))
    order_by_date(g)
    db.session.commit()
    assert [s.id for s in _plan(g.id)] == [early.id, late.id, undated.id]


def _many(world, n):
    from core.sessions.services import plan_session, record_revision

    g = world["group_a"]
    for i in range(n):
        plan_session(g, "core.initial", title=f"S{i}", mentee_id=world["mentee_a"].id,
                     starts_at=datetime(2031, 1, 1 + i % 28, 9, 0))
    record_revision(g, world["mentor_a"])
    db.session.commit()


@pytest.mark.parametrize("path", ["/groups/{g}/sessions", "/groups/{g}/sessions/print",
                                  "/groups/{g}/sessions/plan", "/p/{p}/sessions"])
def test_plan_pages_cost_the_same_queries_for_10_and_200_sessions(world, login_as, queries,
                                                                  path):
    url = path.format(g=world["group_a"].id, p=world["programme"].id)
    c = login_as(world["mentor_a"])
    counts = []
    for n in (10, 190):
        _many(world, n)
        c.get(url)  # warm caches
        with queries() as q:
            assert c.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_deleting_a_group_removes_its_sessions_and_plan(world, login_as):
    from core.sessions.services import hold

    _many(world, 3)
    s = _plan(world["group_a"].id)[0]
    hold(s, {world["mentee_a"].id: "present"}, "", world["mentor_a"])
    db.session.commit()
    gid = world["group_a"].id
    assert login_as(world["manager"]).post(f"/groups/{gid}/delete").status_code == 302
    assert _plan(gid) == [] and _revisions(gid) == []
