"""The demo course, and the privacy hooks."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Activity, Section
from core.plugins import hooks
from plugins.lessons.models import JournalEntry, Lesson, PageRead
from plugins.lessons.services.catalogue import chapters_of
from plugins.lessons.services.demo import course_languages
from tests.plugins.lessons.conftest import build_lesson, chapters


@pytest.fixture
def demo(world, make):
    prog = world["programme"]
    for title in ("Tools", "Initial"):
        make.section(prog, title)
    users = {"manager": world["manager"], "mentor1": world["mentor_a"],
             "mentor2": world["mentor_b"], "mentee1": world["mentee_a"],
             "mentee2": world["mentee_a2"], "mentee3": world["mentee_b"]}
    from plugins.lessons.services.demo import build

    build(prog, users)
    db.session.commit()
    return prog


def test_demo_ships_a_track_per_role_with_reflective_questions(app, world, demo):
    section = db.session.scalar(db.select(Section).where(
        Section.title == "Self-study training course"))
    assert section.position == 2
    acts = db.session.scalars(db.select(Activity).where(Activity.section_id == section.id)
                              .order_by(Activity.position)).all()
    lessons = [db.session.get(Lesson, a.id) for a in acts]
    # the originals in the programme's language first, then a copy per other language
    assert [ls.track for ls in lessons[:3]] == ["manager", "mentor", "mentee"]
    assert {ls.language for ls in lessons[:3]} == {"en"}
    assert all(ls.translation_of_id == lessons[i % 3].activity_id
               for i, ls in enumerate(lessons[3:]))
    assert len(lessons) == 3 * len(course_languages())
    for a in acts:
        chs = chapters_of(a.id)
        assert len(chs) >= 4 and all(ch.questions and ch.pages for ch in chs)


def test_demo_progress_shows_for_people_and_manager(app, world, demo, login_as):
    page = login_as(world["manager"]).get(f"/lessons/p/{demo.id}/progress").get_data(
        as_text=True)
    assert "Running a blended mentoring programme" in page and "Mentee A" in page
    shared = login_as(world["mentor_a"]).get(f"/lessons/p/{demo.id}/shared").get_data(
        as_text=True)
    assert "logistics" in shared  # mentee 1 shared an answer with their mentor
    assert "logistics" not in login_as(world["mentor_b"]).get(
        f"/lessons/p/{demo.id}/shared").get_data(as_text=True)
    dash = login_as(world["mentee_a"]).get("/dashboard").get_data(as_text=True)
    assert "Track for mentees" in dash and "1 of 5 chapters complete" in dash


def test_every_demo_page_renders_with_its_images(app, world, demo, login_as):
    c = login_as(world["mentee_b"])
    for activity in db.session.scalars(db.select(Activity).where(
            Activity.type == "lessons.lesson")):
        for chapter in chapters_of(activity.id):
            for page in chapter.pages:
                html = c.get(f"/lessons/{activity.id}/pages/{page.id}").get_data(as_text=True)
                assert "<h2>" in html or "<p>" in html
            assert c.get(f"/lessons/{activity.id}/chapters/{chapter.id}/reflect"
                         ).status_code == 200
        for name in ("speed-mentoring.png",):
            assert c.get(f"/lessons/{activity.id}/images/{name}").status_code == 200


def test_privacy_export_and_erase(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(1, 1)], title="Privacy")
    chapter = chapters(activity)[0]
    mentee = world["mentee_a"]
    c = login_as(mentee)
    c.post(f"/lessons/{activity.id}/pages/{chapter.pages[0].id}/read")
    c.post(f"/lessons/{activity.id}/chapters/{chapter.id}/reflect",
           data={f"answer_{chapter.questions[0].id}": "My secret plan", "share_1": "y"})
    results = {d.plugin: d for d in hooks(world["programme"]).export_user_data(user=mentee)
               if d is not None}
    records = results["lessons"].records
    assert records["pages_read"][0]["page"] == "Page 1.1"
    assert records["journal"][0]["answer"] == "My secret plan"
    assert records["journal"][0]["lesson"] == "Privacy"
    from plugins.lessons import erase_user_data

    erase_user_data(mentee)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(PageRead)) == 0
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == 0
