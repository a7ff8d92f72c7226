"""Monitoring: questionnaire anonymity, dashboard figures, exports, certificates,
outcomes, and a constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from core.events import emit
from core.extensions import db
from core.models import Event
from core.plugins import registry
from core.sessions.models import INITIAL_TYPE
from core.sessions.services import hold, plan_session
from plugins.monitoring.exports import neutralise
from plugins.monitoring.instrument import ITEM_KEYS, score
from plugins.monitoring.models import Certificate, Goal, Outcome, SurveyAnswer, SurveyPoint


@pytest.fixture
def survey(world, make):
    prog = world["programme"]
    act = make.activity(prog, "monitoring.questionnaire", title="Relationship")
    point = SurveyPoint(programme_id=prog.id, label="Week 2",
                        opens_on=date.today() - timedelta(days=1))
    db.session.add(point)
    db.session.commit()
    return act, point


def _answers(value: int) -> dict[str, str]:
    return {k: str(value) for k in ITEM_KEYS}


def test_score_is_the_mean_of_items():
    answers = dict.fromkeys(ITEM_KEYS, 4)
    answers["trust_1"] = 2
    result = score(answers)
    assert result["trust"] == 3.0 and result["support"] == 4.0
    assert result["overall"] == round((4 * 9 + 2) / 10, 2)


def test_mentee_answers_once(app, world, survey, login_as):
    act, point = survey
    c = login_as(world["mentee_a"])
    assert c.get(f"/monitoring/{act.id}/questionnaire/{point.id}").status_code == 200
    incomplete = c.post(f"/monitoring/{act.id}/questionnaire/{point.id}",
                        data={"trust_1": "5"})
    assert "Choose an answer." in incomplete.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SurveyAnswer.id))) == 0
    resp = c.post(f"/monitoring/{act.id}/questionnaire/{point.id}", data=_answers(4))
    assert resp.status_code == 302
    row = db.session.scalar(db.select(SurveyAnswer))
    assert row.overall == 4.0 and row.group_id == world["group_a"].id
    c.post(f"/monitoring/{act.id}/questionnaire/{point.id}", data=_answers(1))
    assert db.session.scalar(db.select(db.func.count(SurveyAnswer.id))) == 1


def test_mentors_cannot_answer_or_see_individual_answers(app, world, survey, login_as):
    act, point = survey
    c = login_as(world["mentor_a"])
    assert c.post(f"/monitoring/{act.id}/questionnaire/{point.id}",
                  data=_answers(5)).status_code == 404
    assert c.get(f"/monitoring/{act.id}/questionnaire/{point.id}/answers").status_code == 404
    m = login_as(world["manager"])
    assert m.get(f"/monitoring/{act.id}/questionnaire/{point.id}/answers").status_code == 200


def test_anonymity_threshold_for_mentors(app, world, survey, login_as, make):
    act, point = survey
    prog = world["programme"]
    login_as(world["mentee_a"]).post(f"/monitoring/{act.id}/questionnaire/{point.id}",
                                     data=_answers(2))
    login_as(world["mentee_a2"]).post(f"/monitoring/{act.id}/questionnaire/{point.id}",
                                      data=_answers(4))
    mentor = login_as(world["mentor_a"])
    page = mentor.get(f"/monitoring/{act.id}/questionnaire").get_data(as_text=True)
    assert "2 answers; shown from 3" in page and "3.0" not in page
    dash = mentor.get(f"/monitoring/p/{prog.id}/dashboard").get_data(as_text=True)
    assert "fewer than 3 answers" in dash
    csv_text = mentor.get(f"/monitoring/p/{prog.id}/dashboard.csv").data.decode("utf-8-sig")
    assert "3.0" not in csv_text
    third = make.member(prog, "mentee", name="Mentee A3")
    from core.models import GroupMember

    db.session.add(GroupMember(group_id=world["group_a"].id, user_id=third.id, role="mentee"))
    db.session.commit()
    login_as(third).post(f"/monitoring/{act.id}/questionnaire/{point.id}", data=_answers(3))
    page = mentor.get(f"/monitoring/{act.id}/questionnaire").get_data(as_text=True)
    assert "3.0" in page  # mean of 2, 4 and 3
    manager_page = login_as(world["manager"]).get(
        f"/monitoring/{act.id}/questionnaire/{point.id}/answers").get_data(as_text=True)
    assert "Mentee A2" in manager_page


def _events(world):
    """A hand-counted fixture: group A 3 sessions planned, 2 held (5 of 6 attending),
    2 diaries; group B 1 planned, 0 held. Session figures come from the sessions
    (the ``group_summary`` hook), diaries from events."""
    prog, a, b = world["programme"], world["group_a"], world["group_b"]
    people = [world["mentor_a"].id, world["mentee_a"].id, world["manager"].id]
    for i in range(3):
        plan_session(a, INITIAL_TYPE, title=f"Planned {i}")
    first = plan_session(a, INITIAL_TYPE, title="Initial session")
    hold(first, dict.fromkeys(people, "present"), "")
    second = plan_session(a, INITIAL_TYPE, title="CV and cover letter")
    hold(second, {**dict.fromkeys(people[:2], "present"), people[2]: "absent"}, "")
    emit("diary_submitted", programme=prog, group=a)
    emit("diary_submitted", programme=prog, group=a)
    plan_session(b, INITIAL_TYPE, title="Initial session")
    emit("post_created", programme=prog, group=b)
    db.session.commit()


def test_dashboard_figures_equal_hand_counts(app, world, login_as):
    _events(world)
    prog = world["programme"]
    db.session.add(Outcome(programme_id=prog.id, mentee_id=world["mentee_a"].id,
                           status_start="neither", status_end="in_work"))
    db.session.commit()
    c = login_as(world["manager"])
    assert c.get(f"/monitoring/p/{prog.id}/dashboard").status_code == 200
    rows = list(csv.reader(io.StringIO(
        c.get(f"/monitoring/p/{prog.id}/dashboard.csv").data.decode("utf-8-sig"))))
    header, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(body) == {"Group A", "Group B"}
    a, b = body["Group A"], body["Group B"]
    assert (a["Sessions planned"], a["Sessions held"], a["Diaries submitted"]) == ("3", "2", "2")
    assert a["Attendance rate"] == str(round(5 / 6, 3))
    assert (b["Sessions planned"], b["Sessions held"], b["Attendance rate"]) == ("1", "0", "")
    assert a["Outcome: in work"] == "1" and b["Outcome: in work"] == "0"
    assert b["Last activity"] != ""
    # the XLSX holds the same figures
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(c.get(f"/monitoring/p/{prog.id}/dashboard.xlsx").data))
    ws = wb.active
    xrows = [[("" if v is None else str(v)) for v in r] for r in ws.iter_rows(values_only=True)]
    assert xrows[0] == header
    assert [r[:7] for r in xrows[1:]] == [r[:7] for r in rows[1:]]


def test_mentor_dashboard_shows_only_their_groups(app, world, login_as):
    _events(world)
    prog = world["programme"]
    c = login_as(world["mentor_a"])
    page = c.get(f"/monitoring/p/{prog.id}/dashboard").get_data(as_text=True)
    assert "Group A" in page and "Group B" not in page
    text = c.get(f"/monitoring/p/{prog.id}/dashboard.csv").data.decode("utf-8-sig")
    assert "Group A" in text and "Group B" not in text
    assert login_as(world["mentee_a"]).get(
        f"/monitoring/p/{prog.id}/dashboard").status_code == 404


def test_formula_injection_is_neutralised(app, world, login_as, make):
    prog = world["programme"]
    make.group(prog, "=HYPERLINK(\"http://evil\")")
    c = login_as(world["manager"])
    text = c.get(f"/monitoring/p/{prog.id}/dashboard.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert neutralise(bad).startswith("'")
    assert neutralise("plain") == "plain" and neutralise(5) == 5


def test_dashboard_query_count_is_constant_in_groups(app, world, login_as, make, queries):
    prog = world["programme"]
    _events(world)
    c = login_as(world["manager"])
    url = f"/monitoring/p/{prog.id}/dashboard"
    c.get(url)
    with queries() as few:
        c.get(url)
    for i in range(40):
        mentor = make.member(prog, "mentor")
        mentee = make.member(prog, "mentee")
        g = make.group(prog, f"Extra {i:02d}", [(mentor, "mentor"), (mentee, "mentee")])
        for _ in range(5):
            emit("session_held", programme=prog, group=g, data={"present": 1, "expected": 2})
    db.session.commit()
    c.get(url)
    with queries() as many:
        resp = c.get(url)
    assert "Extra 39" in resp.get_data(as_text=True)
    assert many.count == few.count, (few.count, many.count)


def test_outcomes_goals_and_certificate(app, world, login_as):
    prog, group, mentee = world["programme"], world["group_a"], world["mentee_a"]
    _events(world)
    mentor = login_as(world["mentor_a"])
    assert login_as(world["mentor_b"]).get(
        f"/monitoring/groups/{group.id}/outcomes").status_code == 404
    resp = mentor.post(f"/monitoring/groups/{group.id}/outcomes/{mentee.id}", data={
        f"m{mentee.id}-status_start": "neither", f"m{mentee.id}-status_end": "in_work",
        f"m{mentee.id}-competences": "Writing a CV\nJob interviews",
        f"m{mentee.id}-completed": "y"})
    assert resp.status_code == 302
    out = db.session.scalar(db.select(Outcome))
    assert out.status_end == "in_work" and out.completed
    mentor.post(f"/monitoring/groups/{group.id}/goals/{mentee.id}",
                data={"title": "Get a job", "progress": "150"})
    assert db.session.scalar(db.select(Goal)) is None
    mentor.post(f"/monitoring/groups/{group.id}/goals/{mentee.id}",
                data={"title": "Get a job", "progress": "70"})
    assert db.session.scalar(db.select(Goal)).progress == 70
    page = mentor.get(f"/monitoring/groups/{group.id}/outcomes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Get a job" in text and "Progress in per cent (0–100)" in text
    manager = login_as(world["manager"])
    assert mentor.post(f"/monitoring/p/{prog.id}/certificates/{mentee.id}").status_code == 404
    manager.post(f"/monitoring/p/{prog.id}/certificates/{mentee.id}")
    cert = db.session.scalar(db.select(Certificate))
    assert cert.holder_name == mentee.name
    assert [s["title"] for s in cert.sessions] == ["Initial session", "CV and cover letter"]
    assert cert.competences == ["Writing a CV", "Job interviews"]
    pdf = login_as(mentee).get(f"/monitoring/p/{prog.id}/certificates/{cert.code}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert login_as(world["mentee_b"]).get(
        f"/monitoring/p/{prog.id}/certificates/{cert.code}.pdf").status_code == 404
    anon = app.test_client()
    ok = anon.get(f"/monitoring/verify/{cert.code}")
    assert ok.status_code == 200 and mentee.name in ok.get_data(as_text=True)
    assert anon.get(f"/monitoring/verify/{cert.code[:-1]}x").status_code == 404
    assert anon.get("/monitoring/verify/forged-code-123").status_code == 404


def test_certificate_needs_completion(app, world, login_as):
    prog, mentee = world["programme"], world["mentee_b"]
    resp = login_as(world["manager"]).post(f"/monitoring/p/{prog.id}/certificates/{mentee.id}")
    assert resp.status_code == 302
    assert db.session.scalar(db.select(Certificate)) is None


def test_plugin_disabled_hides_everything(app, world, survey, login_as):
    act, point = survey
    prog = world["programme"]
    registry().set_enabled(prog.id, "monitoring", False)
    c = login_as(world["manager"])
    for url in (f"/monitoring/p/{prog.id}/dashboard", f"/monitoring/{act.id}/questionnaire",
                f"/monitoring/groups/{world['group_a'].id}/outcomes"):
        assert c.get(url).status_code == 404, url
    registry().set_enabled(prog.id, "monitoring", True)
    assert c.get(f"/monitoring/p/{prog.id}/dashboard").status_code == 200


def test_events_are_recorded_with_group(app, world, survey, login_as):
    act, point = survey
    login_as(world["mentee_a"]).post(f"/monitoring/{act.id}/questionnaire/{point.id}",
                                     data=_answers(5))
    ev = db.session.scalar(db.select(Event).where(Event.name == "questionnaire_answered"))
    assert ev.group_id == world["group_a"].id


def test_dashboard_widget_lists_open_questionnaires_in_one_statement(
        app, world, survey, make, login_as, queries, monkeypatch):
    act, point = survey
    prog = world["programme"]
    db.session.add_all([
        SurveyPoint(programme_id=prog.id, label="Middle", opens_on=date.today(),
                    closes_on=date.today() + timedelta(days=3)),
        SurveyPoint(programme_id=prog.id, label="Closed", opens_on=date.today() - timedelta(9),
                    closes_on=date.today() - timedelta(days=1)),
        SurveyPoint(programme_id=prog.id, label="Later", opens_on=date.today() + timedelta(1)),
    ])
    db.session.commit()
    c = login_as(world["mentee_a"])
    with queries() as q:
        page = c.get("/dashboard").get_data(as_text=True)
    assert sum("monitoring_" in s for s in q.statements) == 1
    widget = page.split("Questionnaire waiting for you")[-1]
    assert f'href="/monitoring/{act.id}/questionnaire"' in widget
    assert "Week 2" in widget and "Middle" in widget
    assert "Closed" not in widget and "Later" not in widget
    c.post(f"/monitoring/{act.id}/questionnaire/{point.id}", data=_answers(4))
    widget = c.get("/dashboard").get_data(as_text=True).split(
        "Questionnaire waiting for you")[-1]
    assert "Middle" in widget and "Week 2" not in widget
    # without a visible questionnaire there is nowhere to answer: no widget
    act.visible = False
    db.session.commit()
    assert "Questionnaire waiting for you" not in c.get("/dashboard").get_data(as_text=True)
    assert "Questionnaire waiting for you" not in login_as(world["mentor_a"]).get(
        "/dashboard").get_data(as_text=True)


def test_manager_adds_a_questionnaire_point_through_the_form(app, world, survey, login_as):
    act, _point = survey
    url = f"/monitoring/{act.id}/questionnaire"
    mentor = login_as(world["mentor_a"])
    mentor.post(url, data={"label": "Mentor's point", "opens_on": "2031-01-05"})
    assert db.session.scalar(db.select(db.func.count(SurveyPoint.id))) == 1
    manager = login_as(world["manager"])
    bad = manager.post(url, data={"label": "End", "opens_on": "not a date"})
    assert bad.status_code == 200 and 'value="End"' in bad.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SurveyPoint.id))) == 1
    resp = manager.post(url, data={"label": "End", "opens_on": "2031-01-05",
                                   "closes_on": "2031-01-19"})
    assert resp.status_code == 302
    point = db.session.scalar(db.select(SurveyPoint).where(SurveyPoint.label == "End"))
    assert point.opens_on == date(2031, 1, 5) and point.closes_on == date(2031, 1, 19)
    assert "End" in manager.get(url).get_data(as_text=True)


def test_dashboard_charts_are_labelled_svg(app, world, survey, login_as):
    act, point = survey
    _events(world)
    for who in ("mentee_a", "mentee_a2"):
        login_as(world[who]).post(f"/monitoring/{act.id}/questionnaire/{point.id}",
                                  data=_answers(4))
    page = login_as(world["manager"]).get(
        f"/monitoring/p/{world['programme'].id}/dashboard").get_data(as_text=True)
    svgs = page.count("<svg")
    assert svgs == 2, svgs  # sessions held per group, and the score trend
    assert page.count('role="img"') >= 2
    assert page.count("<title id=") == 2 and page.count("<desc id=") == 2
    assert "aria-labelledby=" in page


def test_questionnaire_widget_looks_answers_up_per_point(app, world):
    """Not through every answer of every programme (SQLite's plan)."""
    from plugins.monitoring.widgets import _waiting_statement

    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    stmt = _waiting_statement().params(uid=1, pid=world["programme"].id, today=date.today())
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " | ".join(row[3] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + sql))
    assert "monitoring_survey_answer" in plan and "(point_id=? AND mentee_id=?)" in plan, plan
    assert "SCAN" not in plan, plan
