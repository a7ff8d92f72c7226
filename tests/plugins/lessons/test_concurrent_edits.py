"""Two tabs editing the same part of a lesson: the second save answers 409 with its
text still in the form, and the first save stays. Every save of a page is kept."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.lessons.models import Chapter, Lesson, Page, PageRevision, Question
from tests.forms import form_fields, second_save_refused, two_tabs
from tests.plugins.lessons.conftest import build_lesson


def test_page_edit_conflict_and_history(world, make, login_as):
    activity = build_lesson(make, world["programme"], [(1, 0)])
    page = db.session.scalar(db.select(Page))
    url = f"/lessons/{activity.id}/pages/{page.id}/edit"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["manager"], url)

    assert tab1.post(url, data={**f1, "body": "Text from tab one."}).status_code == 302
    resp = tab2.post(url, data={**f2, "title": "Renamed", "body": "Text from tab two.\nMore."})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else saved this while you were editing it" in html
    assert "<p>Text from tab one.</p>" in html  # the saved version, shown in full
    kept = form_fields(html)
    assert (kept["title"], kept["body"]) == ("Renamed", "Text from tab two.\nMore.")
    db.session.expire_all()
    saved = db.session.get(Page, page.id)
    assert (saved.title, saved.body_source) == ("Page 1.1", "Text from tab one.")

    assert tab2.post(url, data={**kept, "body": "Merged text."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Page, page.id).body_source == "Merged text."
    kept_versions = db.session.scalars(
        db.select(PageRevision.body_source).where(PageRevision.page_id == page.id)
        .order_by(PageRevision.number)).all()
    assert kept_versions == ["Text of page 1.1.", "Text from tab one.", "Merged text."]

    history = tab1.get(f"/lessons/{activity.id}/pages/{page.id}/revisions")
    assert history.status_code == 200 and "Version 3" in history.get_data(as_text=True)
    old = tab1.get(f"/lessons/{activity.id}/pages/{page.id}/revisions/2")
    assert "Text from tab one." in old.get_data(as_text=True)
    assert tab1.get(f"/lessons/{activity.id}/pages/{page.id}/revisions/9").status_code == 404
    mentee = login_as(world["mentee_a"])
    assert mentee.get(f"/lessons/{activity.id}/pages/{page.id}/revisions").status_code in (
        403, 404)


def test_a_new_page_starts_its_history(world, make, login_as):
    activity = build_lesson(make, world["programme"], [(0, 0)])
    chapter = db.session.scalar(db.select(Chapter))
    c = login_as(world["manager"])
    assert c.post(f"/lessons/{activity.id}/chapters/{chapter.id}/pages/new",
                  data={"title": "New", "body": "First text"}).status_code == 302
    revision = db.session.scalar(db.select(PageRevision))
    assert (revision.number, revision.body_source, revision.created_by_id) == (
        1, "First text", world["manager"].id)


@pytest.mark.parametrize("what", ["chapter", "question", "settings"])
def test_lesson_part_edit_conflict(world, make, login_as, what):
    activity = build_lesson(make, world["programme"], [(0, 1)])
    chapter = db.session.scalar(db.select(Chapter))
    question = db.session.scalar(db.select(Question))
    url, field, model, key, attr = {
        "chapter": (f"/lessons/{activity.id}/chapters/{chapter.id}/edit", "title", Chapter,
                    chapter.id, "title"),
        "question": (f"/lessons/{activity.id}/questions/{question.id}/edit", "text", Question,
                     question.id, "text"),
        "settings": (f"/lessons/{activity.id}/settings", "key", Lesson, activity.id, "key"),
    }[what]
    second_save_refused(login_as, world["manager"], url, field, "one-first", "two-second")
    assert getattr(db.session.get(model, key), attr) == "one-first"
