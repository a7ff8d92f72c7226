"""Diaries of held sessions: visibility in the group, edit window; monitoring reports."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from plugins.monitoring.models import DiaryEntry, MonitoringReport
from tests.plugins.monitoring.conftest import DIARY


def test_mentee_writes_diary_and_group_reads_it(app, world, held, login_as):
    act, s_a, _s_b, _p = held
    mentee = login_as(world["mentee_a"])
    resp = mentee.post(f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}", data=DIARY)
    assert resp.status_code == 302
    entry = db.session.scalar(db.select(DiaryEntry))
    assert entry.feeling == 4 and "<strong>Good</strong>" in entry.notes_html
    for who in ("mentee_a2", "mentor_a", "manager"):
        page = login_as(world[who]).get(f"/monitoring/{act.id}/diary?group={world['group_a'].id}")
        assert "We rewrote my CV" in page.get_data(as_text=True), who


def test_other_group_cannot_read_or_write(app, world, held, login_as):
    act, s_a, s_b, _p = held
    login_as(world["mentee_a"]).post(
        f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}", data=DIARY)
    outsider = login_as(world["mentee_b"])
    assert outsider.get(f"/monitoring/{act.id}/diary?group={world['group_a'].id}"
                        ).status_code == 404
    page = outsider.get(f"/monitoring/{act.id}/diary").get_data(as_text=True)
    assert "We rewrote my CV" not in page and "Review B" in page
    resp = outsider.post(f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}",
                         data=DIARY)
    assert resp.status_code == 404
    # a session of group B named under group A's id is refused too
    resp = login_as(world["mentee_a"]).post(
        f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_b.id}", data=DIARY)
    assert resp.status_code == 404
    assert db.session.scalar(db.select(db.func.count(DiaryEntry.id))) == 1


def test_only_held_sessions_take_diaries(app, world, held, login_as):
    act, _s_a, _s_b, planned = held
    resp = login_as(world["mentee_a"]).post(
        f"/monitoring/{act.id}/diary/{world['group_a'].id}/{planned.id}", data=DIARY)
    assert resp.status_code == 404


def test_mentors_do_not_write_diaries(app, world, held, login_as):
    act, s_a, _s_b, _p = held
    resp = login_as(world["mentor_a"]).post(
        f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}", data=DIARY)
    assert resp.status_code == 404


def test_edit_window_is_one_week(app, world, held, login_as):
    act, s_a, _s_b, _p = held
    url = f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}"
    mentee = login_as(world["mentee_a"])
    mentee.post(url, data=DIARY)
    mentee.post(url, data={**DIARY, "next_step": "Call the job centre"})
    entry = db.session.scalar(db.select(DiaryEntry))
    assert entry.next_step == "Call the job centre"
    entry.created_at = entry.created_at - timedelta(days=8)
    db.session.commit()
    resp = mentee.post(url, data={**DIARY, "next_step": "Too late"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(DiaryEntry)).next_step == "Call the job centre"
    # another mentee cannot edit it at all: their own post makes their own entry
    login_as(world["mentee_a2"]).post(url, data={**DIARY, "next_step": "Mine"})
    assert db.session.scalar(db.select(db.func.count(DiaryEntry.id))) == 2


def test_bad_diary_input_keeps_text(app, world, held, login_as):
    act, s_a, _s_b, _p = held
    resp = login_as(world["mentee_a"]).post(
        f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}",
        data={**DIARY, "feeling": "", "what_i_learned": ""})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "We rewrote my CV" in body
    assert db.session.scalar(db.select(DiaryEntry)) is None


def test_mentor_writes_monitoring_report(app, world, held, login_as):
    _act, s_a, s_b, _p = held
    url = f"/monitoring/groups/{world['group_a'].id}/sessions/{s_a.id}/report"
    mentor = login_as(world["mentor_a"])
    resp = mentor.post(url, data={"progress": "On track with the plan",
                                  "attendance_note": "all present", "concerns": ""})
    assert resp.status_code == 302
    assert db.session.scalar(db.select(MonitoringReport)).progress_html.startswith("<p>On")
    assert login_as(world["mentor_b"]).get(url).status_code == 404
    assert login_as(world["mentee_a"]).get(url).status_code == 404
    wrong = f"/monitoring/groups/{world['group_a'].id}/sessions/{s_b.id}/report"
    assert mentor.get(wrong).status_code == 404


def test_session_page_links_the_report_only_for_those_who_may_write_it(app, world, held,
                                                                        login_as):
    _act, s_a, _s_b, _p = held
    page = f"/groups/{world['group_a'].id}/sessions/{s_a.id}"
    report = f"/monitoring/groups/{world['group_a'].id}/sessions/{s_a.id}/report"
    mentor_page = login_as(world["mentor_a"]).get(page)
    assert mentor_page.status_code == 200
    assert report in mentor_page.get_data(as_text=True)
    mentee_page = login_as(world["mentee_a"]).get(page)
    assert mentee_page.status_code == 200
    assert report not in mentee_page.get_data(as_text=True)
