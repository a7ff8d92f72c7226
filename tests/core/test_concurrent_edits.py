"""Two tabs editing the same record: the second save answers 409, keeps its text in
the form, shows what differs, and the first save stays in the database."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import text

from core import concurrency
from core.extensions import db
from core.models import Activity, MentoringSession, Programme, Section
from core.plugins import registry, setting
from core.sessions.models import SessionPlanRevision
from core.sessions.services import plan_session, record_revision
from tests.forms import form_fields, second_save_refused, two_tabs


def _session(world, title="First meeting"):
    s = plan_session(world["group_a"], "core.initial", title=title, actor=world["mentor_a"],
                     starts_at=datetime(2031, 3, 4, 17, 30))
    record_revision(world["group_a"], world["mentor_a"])
    db.session.commit()
    return s


def test_session_edit_conflict(world, login_as):
    s = _session(world)
    g = world["group_a"]
    url = f"/groups/{g.id}/sessions/{s.id}/edit"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentor_a"], url)
    assert f1["version"] == str(s.version)

    assert tab1.post(url, data={**f1, "agenda": "Agenda of tab one"}).status_code == 302
    resp = tab2.post(url, data={**f2, "agenda": "Agenda of tab two\nsecond line"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else saved this while you were editing it" in page
    assert "Agenda of tab one" in page  # the saved version, in the differences
    kept = form_fields(page)
    assert kept["agenda"] == "Agenda of tab two\nsecond line"  # the user's text stays
    db.session.expire_all()
    saved = db.session.get(MentoringSession, s.id)
    assert saved.agenda_source == "Agenda of tab one"
    assert kept["version"] == str(saved.version)

    # merged and saved again from the conflict page: accepted
    assert tab2.post(url, data={**kept, "agenda": "Both agendas"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringSession, s.id).agenda_source == "Both agendas"


def test_attendance_and_notes_conflict(world, login_as):
    s = _session(world)
    g = world["group_a"]
    url = f"/groups/{g.id}/sessions/{s.id}/hold"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentor_a"], url)
    mentee = f"attendance-{world['mentee_a'].id}"
    assert tab1.post(url, data={**f1, mentee: "absent", "notes": "Notes one"}).status_code == 302
    resp = tab2.post(url, data={**f2, mentee: "excused", "notes": "Notes two"})
    assert resp.status_code == 409
    kept = form_fields(resp.get_data(as_text=True))
    assert kept["notes"] == "Notes two" and kept[mentee] == "excused"
    db.session.expire_all()
    saved = db.session.get(MentoringSession, s.id)
    assert saved.notes_source == "Notes one"
    assert {a.user_id: a.status for a in saved.attendance}[world["mentee_a"].id] == "absent"


def test_attendance_only_change_still_bumps_the_version(world, login_as):
    s = _session(world)
    g = world["group_a"]
    url = f"/groups/{g.id}/sessions/{s.id}/hold"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentor_a"], url)
    mentee = f"attendance-{world['mentee_a'].id}"
    assert tab1.post(url, data={**f1, mentee: "present"}).status_code == 302
    first = form_fields(tab1.get(url).get_data(as_text=True))
    assert tab1.post(url, data={**first, mentee: "absent"}).status_code == 302  # only attendance
    assert tab2.post(url, data={**f2, mentee: "excused"}).status_code == 409
    db.session.expire_all()
    assert {a.user_id: a.status for a in db.session.get(MentoringSession, s.id).attendance
            }[world["mentee_a"].id] == "absent"


def test_plan_editor_conflict(world, login_as):
    s = _session(world)
    g = world["group_a"]
    url = f"/groups/{g.id}/sessions/plan"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentor_a"], url)
    assert f1["version"] == "1"

    assert tab1.post(url, data={**f1, "rows-0-title": "Title from tab one"}).status_code == 302
    resp = tab2.post(url, data={**f2, "rows-0-title": "Title from tab two",
                                "rows-1-type": "core.initial", "rows-1-title": "Extra"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Title from tab one" in page
    kept = form_fields(page)
    assert kept["rows-0-title"] == "Title from tab two" and kept["rows-1-title"] == "Extra"
    assert kept["version"] == "2"
    db.session.expire_all()
    assert db.session.get(MentoringSession, s.id).title == "Title from tab one"
    assert db.session.scalar(db.select(db.func.count(MentoringSession.id))) == 1
    assert db.session.scalar(db.select(db.func.count(SessionPlanRevision.id))) == 2


def test_plan_editor_conflicts_with_a_session_edit(world, login_as):
    s = _session(world)
    g = world["group_a"]
    plan_url = f"/groups/{g.id}/sessions/plan"
    edit_url = f"/groups/{g.id}/sessions/{s.id}/edit"
    tab1, tab2 = login_as(world["mentor_a"]), login_as(world["mentor_a"])
    plan_form = form_fields(tab2.get(plan_url).get_data(as_text=True))
    edit_form = form_fields(tab1.get(edit_url).get_data(as_text=True))
    assert tab1.post(edit_url, data={**edit_form, "title": "Renamed"}).status_code == 302
    resp = tab2.post(plan_url, data={**plan_form, "rows-0-date": "2031-05-01"})
    assert resp.status_code == 409
    db.session.expire_all()
    saved = db.session.get(MentoringSession, s.id)
    assert (saved.title, saved.starts_at) == ("Renamed", datetime(2031, 3, 4, 17, 30))


def test_changes_lists_only_differing_fields():
    found = concurrency.changes([("Title", "a", "a"), ("Body", "one\ntwo", "one\nthree"),
                                 ("Date", None, "2031-01-01")])
    assert [c.label for c in found] == ["Body", "Date"]
    assert found[0].lines == ["- two", "+ three"]


def test_section_and_activity_edit_conflicts(world, make, login_as):
    prog = world["programme"]
    section = make.section(prog, "Start here")
    activity = make.activity(prog, "lessons.lesson", plugin="lessons", title="Lesson one",
                             section=section)
    for url, field, model, key, attr in (
        (f"/p/{prog.id}/sections/{section.id}/edit", "summary", Section, section.id,
         "summary_source"),
        (f"/p/{prog.id}/activities/{activity.id}/edit", "description", Activity, activity.id,
         "description_source"),
    ):
        second_save_refused(login_as, world["manager"], url, field, "From tab one",
                            "From tab two")
        assert getattr(db.session.get(model, key), attr) == "From tab one"


def test_programme_settings_conflict(world, login_as):
    prog = world["programme"]
    decl = next(s for s in registry().settings.values()
                if s.type is int and registry().is_enabled(prog.id, s.plugin))
    key = f"{decl.plugin}.{decl.name}"
    url = f"/p/{prog.id}/settings"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["manager"], url)
    assert tab1.post(url, data={**f1, key: "7"}).status_code == 302
    resp = tab2.post(url, data={**f2, key: "9"})
    assert resp.status_code == 409
    kept = form_fields(resp.get_data(as_text=True))
    assert kept[key] == "9"
    db.session.expire_all()
    assert setting(prog.id, decl.plugin, decl.name) == 7
    assert tab2.post(url, data={**kept, key: "8"}).status_code == 302
    db.session.expire_all()
    assert setting(prog.id, decl.plugin, decl.name) == 8


def test_a_save_that_loses_the_race_at_commit_writes_nothing(world):
    """Both saves passed the version check; the row changed before this one's commit."""
    s = _session(world)
    loaded = db.session.get(MentoringSession, s.id)
    assert loaded.version == 1
    with db.engine.begin() as conn:  # another request commits first
        conn.execute(text("UPDATE mentoring_session SET agenda_source = 'theirs', "
                          "version = version + 1 WHERE id = :id"), {"id": s.id})
    form = SimpleNamespace(version=SimpleNamespace(data=1, raw_data=None))
    found = concurrency.save(loaded, form, lambda: setattr(loaded, "agenda_source", "mine"), {})
    assert found == [] and form.version.data == 2
    db.session.expire_all()
    assert db.session.get(MentoringSession, s.id).agenda_source == "theirs"


def test_admin_programme_edit_conflict(world, login_as):
    prog = world["programme"]
    url = f"/admin/programmes/{prog.id}/edit"
    second_save_refused(login_as, world["admin"], url, "description", "From tab one",
                        "From tab two")
    assert db.session.get(Programme, prog.id).description == "From tab one"
