"""Reading order, previous/next, marking pages read (POST only) and completion."""

from __future__ import annotations

from core.extensions import db
from plugins.lessons.models import JournalEntry, PageRead
from plugins.lessons.services import sequence
from tests.plugins.lessons.conftest import build_lesson, chapters


def href(activity, step):
    """The URL of a step (built by hand: tests run outside a request)."""
    if step.page is not None:
        return f"/lessons/{activity.id}/pages/{step.page.id}"
    return f"/lessons/{activity.id}/chapters/{step.chapter.id}/reflect"


def _steps(activity):
    return sequence.steps(chapters(activity))


def test_reading_order_pages_then_questions_then_next_chapter(app, lesson):
    steps = _steps(lesson)
    assert [(s.kind, s.title) for s in steps] == [
        ("page", "Page 1.1"), ("page", "Page 1.2"), ("reflect", "Chapter 1"),
        ("page", "Page 2.1"),  # chapter 2 has no questions: straight on
        ("reflect", "Chapter 3"),  # chapter 3 has only questions
    ]
    assert sequence.neighbours(steps, 0) == (None, steps[1])
    assert sequence.neighbours(steps, 4) == (steps[3], None)


def test_page_shows_previous_and_next(app, world, lesson, login_as):
    c = login_as(world["mentee_a"])
    first, second, reflect, third, last = _steps(lesson)
    page = c.get(href(lesson, first)).get_data(as_text=True)
    assert "Text of page 1.1." in page
    assert 'rel="prev"' not in page and "Next: Page 1.2" in page
    page = c.get(href(lesson, second)).get_data(as_text=True)
    assert f'href="{href(lesson, first)}"' in page and 'rel="prev"' in page
    assert "Next: Reflective questions: Chapter 1" in page
    page = c.get(href(lesson, third)).get_data(as_text=True)
    assert f'href="{href(lesson, reflect)}"' in page
    assert "Next: Reflective questions: Chapter 3" in page
    page = c.get(href(lesson, last)).get_data(as_text=True)
    assert 'rel="next"' not in page and "Back to the contents" in page


def test_reading_a_page_is_recorded_by_post_only(app, world, lesson, login_as):
    c = login_as(world["mentee_a"])
    first, second, *_ = _steps(lesson)
    c.get(href(lesson, first))
    assert db.session.scalar(db.select(db.func.count()).select_from(PageRead)) == 0
    url = f"/lessons/{lesson.id}/pages/{first.page.id}/read"
    assert c.get(url).status_code == 405
    resp = c.post(url)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(href(lesson, second))
    c.post(url)  # twice is harmless
    rows = db.session.scalars(db.select(PageRead)).all()
    assert [(r.user_id, r.page_id) for r in rows] == [(world["mentee_a"].id, first.page.id)]


def test_next_from_the_last_page_of_a_chapter_goes_to_its_questions(app, world, lesson,
                                                                    login_as):
    c = login_as(world["mentee_a"])
    _first, second, reflect, third, last = _steps(lesson)
    resp = c.post(f"/lessons/{lesson.id}/pages/{second.page.id}/read")
    assert resp.headers["Location"].endswith(href(lesson, reflect))
    resp = c.post(f"/lessons/{lesson.id}/pages/{third.page.id}/read", follow_redirects=True)
    assert "You completed the chapter “Chapter 2”." in resp.get_data(as_text=True)


def test_chapter_complete_needs_every_page_and_every_answer(app, world, lesson, login_as):
    c = login_as(world["mentee_a"])
    first, second, reflect, *_ = _steps(lesson)
    q1, q2 = reflect.chapter.questions
    url = href(lesson, reflect)
    # one answer of two: saved, chapter not complete, learner stays
    resp = c.post(url, data={f"answer_{q1.id}": "My first thought."})
    assert resp.headers["Location"].endswith(url)
    page = c.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "1 of 2 answered" in page and "badge-done" not in page
    # all answers but pages unread: still not complete
    c.post(url, data={f"answer_{q1.id}": "My first thought.", f"answer_{q2.id}": "Second."})
    page = c.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "2 of 2 answered" in page and "0 of 3 chapters complete" in page
    # read both pages: complete
    c.post(f"/lessons/{lesson.id}/pages/{first.page.id}/read")
    resp = c.post(f"/lessons/{lesson.id}/pages/{second.page.id}/read")
    assert resp.headers["Location"].endswith(url)
    page = c.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "1 of 3 chapters complete" in page


def test_saving_every_answer_completes_and_moves_on(app, world, lesson, login_as):
    c = login_as(world["mentee_a"])
    first, second, reflect, third, last = _steps(lesson)
    for step in (first, second):
        c.post(f"/lessons/{lesson.id}/pages/{step.page.id}/read")
    q1, q2 = reflect.chapter.questions
    resp = c.post(href(lesson, reflect), data={f"answer_{q1.id}": "a", f"answer_{q2.id}": "b"})
    assert resp.headers["Location"].endswith(href(lesson, third))
    c.post(f"/lessons/{lesson.id}/pages/{third.page.id}/read")
    (q3,) = last.chapter.questions
    resp = c.post(href(lesson, last), data={f"answer_{q3.id}": "done"},
                  follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "You have completed this lesson. Well done!" in text
    assert "3 of 3 chapters complete" in text and "100%" in text


def test_emptying_an_answer_removes_it_and_reopens_the_chapter(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(0, 1)])
    (step,) = _steps(activity)
    (q,) = step.chapter.questions
    c = login_as(world["mentee_a"])
    c.post(href(activity, step), data={f"answer_{q.id}": "Something"})
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == 1
    c.post(href(activity, step), data={f"answer_{q.id}": "   "})
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == 0


def test_too_long_an_answer_saves_nothing_and_keeps_the_text(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(0, 2)])
    (step,) = _steps(activity)
    q1, q2 = step.chapter.questions
    c = login_as(world["mentee_a"])
    resp = c.post(href(activity, step), data={f"answer_{q1.id}": "kept text",
                                               f"answer_{q2.id}": "x" * 20001})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "kept text" in body and "Please correct the marked fields." in body
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == 0


def test_steps_of_another_lesson_are_not_found(app, world, make, lesson, login_as):
    other = build_lesson(make, world["programme"], [(1, 1)], title="Other")
    (page_step, reflect_step) = _steps(other)
    c = login_as(world["mentee_a"])
    assert c.get(f"/lessons/{lesson.id}/pages/{page_step.page.id}").status_code == 404
    assert c.post(f"/lessons/{lesson.id}/pages/{page_step.page.id}/read").status_code == 404
    assert c.get(f"/lessons/{lesson.id}/chapters/{reflect_step.chapter.id}/reflect"
                 ).status_code == 404
    # a chapter without questions has no questions page
    no_questions = _steps(lesson)[3].chapter
    assert c.get(f"/lessons/{lesson.id}/chapters/{no_questions.id}/reflect").status_code == 404


def test_contents_mark_pages_read_and_offer_to_continue(app, world, lesson, login_as):
    c = login_as(world["mentee_a"])
    first, second, *_ = _steps(lesson)
    page = c.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Start the lesson" in page and f'href="{href(lesson, first)}"' in page
    c.post(f"/lessons/{lesson.id}/pages/{first.page.id}/read")
    page = c.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Continue" in page and f'class="button" href="{href(lesson, second)}"' in page
    assert page.count("(read)") == 1


def test_everyone_in_the_programme_reads_outsiders_do_not(app, world, lesson, login_as):
    url = f"/lessons/{lesson.id}"
    for key in ("manager", "mentor_a", "mentee_b", "admin"):
        assert login_as(world[key]).get(url).status_code == 200, key
    assert login_as(world["outsider"]).get(url).status_code == 404


def test_hidden_lesson_is_found_by_managers_only(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(1, 0)], visible=False)
    assert login_as(world["mentee_a"]).get(f"/lessons/{activity.id}").status_code == 404
    assert login_as(world["manager"]).get(f"/lessons/{activity.id}").status_code == 200


def test_disabled_plugin_answers_404(app, world, lesson, login_as):
    from core.plugins import registry

    first = _steps(lesson)[0]
    prog = world["programme"]
    registry().set_enabled(prog.id, "lessons", False)
    c = login_as(world["manager"])
    for url in (f"/lessons/{lesson.id}", href(lesson, first), f"/lessons/p/{prog.id}",
                f"/lessons/p/{prog.id}/progress", f"/lessons/{lesson.id}/manage",
                f"/lessons/{lesson.id}/export.zip", f"/lessons/p/{prog.id}/journal"):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/lessons/{lesson.id}/pages/{first.page.id}/read").status_code == 404
    assert "Training course" not in c.get("/dashboard").get_data(as_text=True)
