"""Writing lessons: settings, chapters, pages with images, questions; who may do it."""

from __future__ import annotations

import io

import pytest

from core.extensions import db
from core.models import Activity, StoredFile
from plugins.lessons.models import Chapter, Image, Lesson, Page, Question
from plugins.lessons.services.catalogue import chapters_of
from tests.plugins.lessons.conftest import build_lesson, png_bytes


def test_a_lesson_added_on_the_course_page_gets_its_settings(app, world, make, login_as):
    prog = world["programme"]
    section = make.section(prog, "Course")
    c = login_as(world["manager"])
    resp = c.post(f"/p/{prog.id}/activities/new", data={
        "type": "lessons.lesson", "section_id": section.id, "title": "Job search online",
        "group_mode": "shared", "visible": "y"})
    assert resp.status_code == 302
    activity = db.session.scalar(db.select(Activity).where(Activity.type == "lessons.lesson"))
    lesson = db.session.get(Lesson, activity.id)
    assert (lesson.key, lesson.track, lesson.language) == ("job-search-online", "all", "en")
    page = c.get(f"/lessons/{activity.id}").get_data(as_text=True)
    assert "This lesson has no chapters yet." in page


def test_writing_a_lesson_through_the_editor(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [])
    c = login_as(world["manager"])
    base = f"/lessons/{activity.id}"
    assert c.post(f"{base}/chapters/new", data={"title": "Getting started"}).status_code == 302
    chapter = db.session.scalar(db.select(Chapter))
    resp = c.post(f"{base}/chapters/{chapter.id}/pages/new", data={
        "title": "Welcome", "body": "Hello\r\n\r\n![Our team](team.png)\r\n"})
    assert resp.status_code == 302
    page = db.session.scalar(db.select(Page))
    assert page.body_source == "Hello\n\n![Our team](team.png)\n"  # LF, as in git
    assert f'<img alt="Our team" src="/lessons/{activity.id}/images/team.png">' in \
        page.body_html
    manage = c.get(f"{base}/manage").get_data(as_text=True)
    assert "Images not uploaded yet: team.png" in manage
    resp = c.post(f"{base}/images/upload", data={"file": (io.BytesIO(png_bytes()), "team.png"),
                                                 "name": ""},
                  content_type="multipart/form-data")
    assert resp.status_code == 302
    assert "Images not uploaded yet" not in c.get(f"{base}/manage").get_data(as_text=True)
    assert c.post(f"{base}/chapters/{chapter.id}/questions/new",
                  data={"text": "What did you notice?"}).status_code == 302
    assert [q.text for q in db.session.scalars(db.select(Question))] == ["What did you notice?"]
    reading = login_as(world["mentee_a"]).get(f"{base}/pages/{page.id}").get_data(as_text=True)
    assert "Our team" in reading and "Next: Reflective questions: Getting started" in reading


def test_replacing_and_deleting_images(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(1, 0)])
    c = login_as(world["manager"])
    base = f"/lessons/{activity.id}"
    for colour in ("red", "blue"):
        c.post(f"{base}/images/upload", data={"file": (io.BytesIO(png_bytes(colour)), "x.png"),
                                              "name": "chart.png"},
               content_type="multipart/form-data")
    assert db.session.scalar(db.select(db.func.count(Image.id))) == 1
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 1
    assert c.get(f"{base}/images/chart.png").data == png_bytes("blue")
    resp = c.post(f"{base}/images/upload", data={"file": (io.BytesIO(b"GIF89a..."), "x.png"),
                                                 "name": "bad.png"},
                  content_type="multipart/form-data", follow_redirects=True)
    assert "does not match its type" in resp.get_data(as_text=True)
    resp = c.post(f"{base}/images/upload", data={"file": (io.BytesIO(png_bytes()), "x.png"),
                                                 "name": "../x.png"},
                  content_type="multipart/form-data", follow_redirects=True)
    assert "Image names may contain" in resp.get_data(as_text=True)
    assert "Delete the image chart.png?" in c.get(f"{base}/images/chart.png/delete").get_data(
        as_text=True)
    assert c.post(f"{base}/images/chart.png/delete").status_code == 302
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
    assert c.get(f"{base}/images/chart.png").status_code == 404


def test_reordering_and_deleting_with_confirmation(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(2, 1), (1, 0)])
    c = login_as(world["manager"])
    base = f"/lessons/{activity.id}"
    first, second = chapters_of(activity.id)
    assert c.post(f"{base}/chapters/{second.id}/move/up").status_code == 302
    assert [ch.title for ch in chapters_of(activity.id)] == ["Chapter 2", "Chapter 1"]
    p1, p2 = first.pages
    c.post(f"{base}/pages/{p2.id}/move/up")
    assert [p.title for p in chapters_of(activity.id)[1].pages] == ["Page 1.2", "Page 1.1"]
    assert c.post(f"{base}/chapters/{first.id}/move/sideways").status_code == 400
    question = "Delete the chapter “Chapter 1” (pages: 2, questions: 1)?"
    assert question in c.get(f"{base}/chapters/{first.id}/delete").get_data(as_text=True)
    assert db.session.get(Chapter, first.id) is not None
    c.post(f"{base}/chapters/{first.id}/delete")
    assert [ch.title for ch in chapters_of(activity.id)] == ["Chapter 2"]
    assert db.session.scalar(db.select(db.func.count(Page.id))) == 1
    assert chapters_of(activity.id)[0].position == 0


def test_settings_validate_the_key_and_translation(app, world, make, login_as):
    prog = world["programme"]
    a = build_lesson(make, prog, [(1, 0)], key="alpha")
    b = build_lesson(make, prog, [(1, 0)], key="beta")
    c = login_as(world["manager"])
    resp = c.post(f"/lessons/{b.id}/settings", data={"track": "mentor", "language": "nl",
                                                     "translation_of": 0, "key": "alpha"})
    assert "Another lesson of this programme has this key." in resp.get_data(as_text=True)
    resp = c.post(f"/lessons/{b.id}/settings", data={"track": "mentor", "language": "nl",
                                                     "translation_of": 0, "key": "Not OK"})
    assert "Use lower-case letters" in resp.get_data(as_text=True)
    resp = c.post(f"/lessons/{b.id}/settings", data={"track": "mentor", "language": "nl",
                                                     "translation_of": a.id, "key": "beta-nl"})
    assert resp.status_code == 302
    lesson = db.session.get(Lesson, b.id)
    assert (lesson.track, lesson.language, lesson.key, lesson.translation_of_id) == \
        ("mentor", "nl", "beta-nl", a.id)
    resp = c.post(f"/lessons/{a.id}/settings", data={"track": "all", "language": "en",
                                                     "translation_of": b.id, "key": "alpha"})
    assert resp.status_code == 200  # b is a copy: not offered as an original
    assert "Not a valid choice" in resp.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("manager", 200), ("admin", 200), ("mentor_a", 404),
                                        ("mentee_a", 404), ("outsider", 404)])
def test_who_may_edit(app, world, lesson, login_as, who, status):
    c = login_as(world[who])
    chapter = chapters_of(lesson.id)[0]
    for url in (f"/lessons/{lesson.id}/manage", f"/lessons/{lesson.id}/settings",
                f"/lessons/{lesson.id}/chapters/new",
                f"/lessons/{lesson.id}/pages/{chapter.pages[0].id}/edit",
                f"/lessons/{lesson.id}/questions/{chapter.questions[0].id}/edit"):
        assert c.get(url).status_code == status, url
    if status == 404:
        assert c.post(f"/lessons/{lesson.id}/chapters/{chapter.id}/delete").status_code == 404
        assert db.session.get(Chapter, chapter.id) is not None


def test_editing_objects_of_another_lesson_is_not_found(app, world, make, lesson, login_as):
    other = build_lesson(make, world["programme"], [(1, 1)], title="Other")
    chapter = chapters_of(other.id)[0]
    c = login_as(world["manager"])
    for url in (f"/lessons/{lesson.id}/chapters/{chapter.id}/edit",
                f"/lessons/{lesson.id}/pages/{chapter.pages[0].id}/edit",
                f"/lessons/{lesson.id}/questions/{chapter.questions[0].id}/delete"):
        assert c.get(url).status_code == 404, url
