"""Disabling employability in a programme hides its session types, sessions and
worksheets there; the data is kept and shows again when it is enabled."""

from __future__ import annotations

from datetime import datetime

from core.extensions import db
from core.plugins import registry
from plugins.employability.models import EmployabilityWorksheet


def test_disable_then_enable_keeps_the_data(world, login_as, make):
    from core.sessions.services import plan_session, record_revision
    from core.worksheets.records import create_worksheet
    from plugins.employability.schemas import CV

    prog, g = world["programme"], world["group_a"]
    s = plan_session(g, "employability.cv", title="CV clinic", actor=world["mentor_a"],
                     starts_at=datetime(2031, 5, 6, 16, 0))
    record_revision(g, world["mentor_a"])
    ws = create_worksheet(EmployabilityWorksheet, CV, g, world["mentee_a"], {"target": "Cook"},
                          session=s)
    db.session.commit()
    mentee, mentor = login_as(world["mentee_a"]), login_as(world["mentor_a"])
    ws_url = f"/employability/groups/{g.id}/worksheets/{ws.id}"
    s_url = f"/groups/{g.id}/sessions/{s.id}"
    assert mentee.get(ws_url).status_code == 200
    assert "CV clinic" in mentee.get(f"/groups/{g.id}/sessions").get_data(as_text=True)

    registry().set_enabled(prog.id, "employability", False)
    assert mentee.get(ws_url).status_code == 404
    assert mentee.get(f"/employability/groups/{g.id}/worksheets").status_code == 404
    assert mentee.get(s_url).status_code == 404
    assert "CV clinic" not in mentee.get(f"/groups/{g.id}/sessions").get_data(as_text=True)
    assert "CV clinic" not in mentee.get("/calendar?month=2031-05").get_data(as_text=True)
    assert "employability/groups" not in mentee.get(f"/groups/{g.id}").get_data(as_text=True)
    revision = mentee.get(f"/groups/{g.id}/sessions/revisions/1").get_data(as_text=True)
    assert "CV clinic" not in revision
    form = mentor.get(f"/groups/{g.id}/sessions/new").get_data(as_text=True)
    assert "employability.cv" not in form and "core.initial" in form
    assert "employability.cv" not in [t.name for t in registry().session_types_for(prog.id)]
    # saving the plan while the plugin is off leaves its sessions alone
    resp = mentor.post(f"/groups/{g.id}/sessions/plan", data={"note": "nothing"})
    assert resp.status_code == 302
    # another programme is not affected
    other = make.programme()
    assert "employability.cv" in [t.name for t in registry().session_types_for(other.id)]

    registry().set_enabled(prog.id, "employability", True)
    assert db.session.get(EmployabilityWorksheet, ws.id).data == {"target": "Cook"}
    assert mentee.get(ws_url).status_code == 200
    assert mentee.get(s_url).status_code == 200
    assert "CV clinic" in mentee.get(f"/groups/{g.id}/sessions").get_data(as_text=True)
    assert "CV clinic" in mentee.get("/calendar?month=2031-05").get_data(as_text=True)


def test_privacy_export_and_erase(world, login_as):
    import io
    import json
    import zipfile

    from core.worksheets.records import add_comment, create_worksheet
    from plugins.employability.models import EmployabilityWorksheetComment
    from plugins.employability.schemas import CV, SKILLS

    g = world["group_a"]
    mine = create_worksheet(EmployabilityWorksheet, CV, g, world["mentee_a"], {"target": "Cook"})
    other = create_worksheet(EmployabilityWorksheet, SKILLS, g, world["mentee_a2"],
                             {"interests": "Music"})
    add_comment(mine, EmployabilityWorksheetComment, world["mentor_a"], "Nice")
    add_comment(other, EmployabilityWorksheetComment, world["mentor_a"], "Keep going")
    db.session.commit()
    mine_id, other_id = mine.id, other.id
    resp = login_as(world["mentee_a"]).get("/profile/export")
    data = json.loads(zipfile.ZipFile(io.BytesIO(resp.data)).read("data.json"))
    (exported,) = data["employability"]["worksheets"]
    assert exported["answers"] == {"target": "Cook"} and exported["comments"][0]["comment"] == \
        "Nice"
    mentor_data = json.loads(zipfile.ZipFile(io.BytesIO(
        login_as(world["mentor_a"]).get("/profile/export").data)).read("data.json"))
    assert len(mentor_data["employability"]["comments_written"]) == 2

    assert login_as(world["admin"]).post(
        f"/admin/users/{world['mentee_a'].id}/erase").status_code == 302
    db.session.expire_all()
    assert db.session.get(EmployabilityWorksheet, mine_id) is None
    assert db.session.get(EmployabilityWorksheet, other_id) is not None
    login_as(world["admin"]).post(f"/admin/users/{world['mentor_a'].id}/erase")
    db.session.expire_all()
    kept = db.session.get(EmployabilityWorksheet, other_id).comments
    assert [c.body_source for c in kept] == ["Keep going"] and kept[0].author.name == \
        "deleted user"


def test_demo_plans_sessions_and_fills_worksheets(app):
    from core.demo import build_demo
    from core.models import MentoringGroup, MentoringSession, SessionPlanRevision

    with app.test_request_context():
        assert build_demo("demo-password-for-tests")
    groups = db.session.execute(db.select(MentoringGroup)).scalars().all()
    assert len(groups) == 2
    for g in groups:
        plan = db.session.execute(
            db.select(MentoringSession).where(MentoringSession.group_id == g.id)
            .order_by(MentoringSession.position)).scalars().all()
        assert plan[0].type == "core.initial" and plan[0].status == "held"
        assert {s.plugin for s in plan} >= {"core", "employability"}
        assert any(s.type.startswith("employability.") and s.status == "planned" for s in plan)
        assert db.session.execute(db.select(db.func.count(SessionPlanRevision.id)).where(
            SessionPlanRevision.group_id == g.id)).scalar() >= 2
    sheets = db.session.execute(db.select(EmployabilityWorksheet)).scalars().all()
    assert len(sheets) >= 2 and any(w.status == "submitted" and w.comments for w in sheets)
