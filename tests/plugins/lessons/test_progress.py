"""Progress figures per chapter, lesson and track; the dashboard widget; the
manager's page of every participant, in a constant number of queries."""

from __future__ import annotations

from core.extensions import db
from core.models import Membership, User
from plugins.lessons.models import JournalEntry, PageRead
from plugins.lessons.services import progress
from tests.plugins.lessons.conftest import build_lesson, chapters


def _read(user, chapter, n=None):
    for page in chapter.pages[:n]:
        db.session.add(PageRead(user_id=user.id, page_id=page.id))
    db.session.commit()


def _answer(user, chapter, n=None):
    done = set(db.session.scalars(db.select(JournalEntry.question_id).where(
        JournalEntry.user_id == user.id)))
    for q in chapter.questions[:n]:
        if q.id in done:
            continue
        db.session.add(JournalEntry(user_id=user.id, activity_id=chapter.activity_id,
                                    question_id=q.id, question_text=q.text,
                                    answer_source="a", answer_html="<p>a</p>"))
    db.session.commit()


def test_figures_count_pages_and_questions(app, world, lesson):
    mentee = world["mentee_a"]
    ch1, ch2, ch3 = chapters(lesson)
    assert progress.figures([mentee.id], [lesson.id])[mentee.id][lesson.id] == \
        progress.Figures(done=0, total=6, chapters_done=0, chapters=3)
    _read(mentee, ch1)
    _answer(mentee, ch1, 1)
    fig = progress.figures([mentee.id], [lesson.id])[mentee.id][lesson.id]
    assert (fig.done, fig.total, fig.chapters_done, fig.percent) == (3, 6, 0, 50)
    _answer(mentee, ch1)
    _read(mentee, ch2)
    fig = progress.figures([mentee.id], [lesson.id])[mentee.id][lesson.id]
    assert (fig.done, fig.chapters_done, fig.percent, fig.complete) == (5, 2, 83, False)
    _answer(mentee, ch3)
    fig = progress.figures([mentee.id], [lesson.id])[mentee.id][lesson.id]
    assert (fig.percent, fig.complete) == (100, True)
    # someone else's progress is their own
    other = progress.figures([world["mentee_a2"].id], [lesson.id])[world["mentee_a2"].id]
    assert other[lesson.id].done == 0


def test_empty_chapters_do_not_count(app, world, make):
    activity = build_lesson(make, world["programme"], [(1, 0), (0, 0)])
    _read(world["mentee_a"], chapters(activity)[0])
    fig = progress.figures([world["mentee_a"].id], [activity.id])[world["mentee_a"].id]
    assert fig[activity.id] == progress.Figures(done=1, total=1, chapters_done=1, chapters=1)
    assert fig[activity.id].complete


def test_removed_questions_stop_counting(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(0, 2)])
    chapter = chapters(activity)[0]
    _answer(world["mentee_a"], chapter, 1)
    login_as(world["manager"]).post(
        f"/lessons/{activity.id}/questions/{chapter.questions[1].id}/delete")
    fig = progress.figures([world["mentee_a"].id], [activity.id])[world["mentee_a"].id]
    assert fig[activity.id].complete


def test_one_persons_figures_match_everyones(app, world, make):
    prog = world["programme"]
    mentee = world["mentee_a"]
    shown = build_lesson(make, prog, [(2, 2), (1, 0), (0, 1)], title="Shown")
    hidden = build_lesson(make, prog, [(1, 1)], title="Hidden", visible=False)
    empty = build_lesson(make, prog, [], title="Empty")
    elsewhere = build_lesson(make, make.programme(), [(1, 0)], title="Elsewhere")
    ch1, ch2, _ch3 = chapters(shown)
    _read(mentee, ch1)
    _answer(mentee, ch1, 1)
    _read(mentee, ch2)
    _read(mentee, chapters(hidden)[0])
    _read(world["mentee_a2"], ch1)
    _read(mentee, chapters(elsewhere)[0])
    ids = [shown.id, hidden.id, empty.id]
    everyone = progress.figures([mentee.id], ids)[mentee.id]
    mine = progress.person_figures([prog.id], mentee.id)[prog.id]
    assert set(mine) == {shown.id, hidden.id}  # a lesson without chapters is left out
    assert mine[shown.id] == everyone[shown.id] == progress.Figures(4, 6, 1, 3)
    assert mine[hidden.id] == everyone[hidden.id] == progress.Figures(1, 2, 0, 1)
    assert everyone[empty.id] == progress.Figures()


def test_one_persons_figures_look_up_their_reads_per_page(app, world):
    """The cost follows the programme's lessons, not everything the person ever read."""
    import pytest

    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    compiled = progress._person_statement().compile(db.engine)
    state = compiled.construct_expanded_state({"uid": 1, "pids": [world["programme"].id]})
    plan = " | ".join(row[3] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + state.statement,
        tuple(state.parameters[k] for k in state.positiontup)))
    assert "(user_id=? AND page_id=?)" in plan
    assert "(user_id=? AND question_id=?)" in plan


def _three_tracks(world, make):
    prog = world["programme"]
    return {t: build_lesson(make, prog, [(1, 1), (1, 0)], title=f"Lesson for {t}s", track=t)
            for t in ("manager", "mentor", "mentee")}


def test_own_track_comes_first_and_the_others_stay_readable(app, world, make, login_as):
    lessons = _three_tracks(world, make)
    url = f"/lessons/p/{world['programme'].id}"
    for who, first in (("manager", "managers"), ("mentor_a", "mentors"),
                       ("mentee_a", "mentees")):
        page = login_as(world[who]).get(url).get_data(as_text=True)
        positions = {t: page.index(f"Track for {t}") for t in ("managers", "mentors",
                                                                "mentees")}
        assert min(positions, key=positions.get) == first, who
        assert "your track" in page
        for activity in lessons.values():
            assert login_as(world[who]).get(f"/lessons/{activity.id}").status_code == 200


def test_dashboard_widget_shows_track_and_lesson_bars(app, world, make, login_as):
    lessons = _three_tracks(world, make)
    ch1 = chapters(lessons["mentee"])[0]
    _read(world["mentee_a"], ch1)
    _answer(world["mentee_a"], ch1)
    page = login_as(world["mentee_a"]).get("/dashboard").get_data(as_text=True)
    widget = page[page.index("Training course"):]
    assert widget.index("Track for mentees") < widget.index("Other tracks")
    assert f'<progress id="w{world["programme"].id}-track-mentee" max="3" value="2">' in widget
    assert "66% · 1 of 2 chapters complete" in widget
    assert 'max="3" value="0"' in widget  # other tracks, not started
    assert "Continue" in widget


def test_course_page_shows_progress_under_each_lesson(app, world, lesson, login_as):
    _read(world["mentee_a"], chapters(lesson)[0])
    page = login_as(world["mentee_a"]).get(f"/p/{world['programme'].id}").get_data(
        as_text=True)
    assert 'aria-label="Your progress in “Lesson”"' in page
    assert "33% · 0 of 3 chapters complete" in page
    # in the reader's language, with the title escaped
    world["mentee_a"].language = "cs"
    lesson.title = "Lesson <1>"
    db.session.commit()
    page = login_as(world["mentee_a"]).get(f"/p/{world['programme'].id}").get_data(
        as_text=True)
    assert 'aria-label="Váš pokrok v lekci „Lesson &lt;1&gt;“"' in page
    assert "33% · dokončené kapitoly: 0 z 3" in page


def test_participants_page_shows_each_person(app, world, make, login_as):
    lessons = _three_tracks(world, make)
    ch = chapters(lessons["mentor"])
    _read(world["mentor_a"], ch[0])
    _answer(world["mentor_a"], ch[0])
    _read(world["mentor_a"], ch[1])
    _read(world["mentee_b"], chapters(lessons["manager"])[0])
    url = f"/lessons/p/{world['programme'].id}/progress"
    page = login_as(world["manager"]).get(url).get_data(as_text=True)
    row = page[page.index(">Mentor A<"):]
    row = row[:row.index("</tr>")]
    assert 'value="3"' in row and "100% <span class=\"meta\">· 2/2" in row and "complete" in row
    row = page[page.index(">Mentee B<"):]
    row = row[:row.index("</tr>")]
    assert "33% <span class=\"meta\">· 0/2" in row  # the manager track, read out of interest
    for who in ("mentor_a", "mentee_a"):
        assert login_as(world[who]).get(url).status_code == 404


def _participants(n, programme, lessons, batch):
    users = [User(email=f"p{batch}-{i}@example.org", display_name=f"P {batch}-{i}")
             for i in range(n)]
    db.session.add_all(users)
    db.session.flush()
    chs = [c for a in lessons.values() for c in chapters(a)]
    for i, u in enumerate(users):
        db.session.add(Membership(user_id=u.id, programme_id=programme.id,
                                  role=("mentee", "mentor")[i % 2]))
        for c in chs[: i % len(chs)]:
            for p in c.pages:
                db.session.add(PageRead(user_id=u.id, page_id=p.id))
    db.session.commit()


def test_participants_page_costs_the_same_for_10_and_200(app, world, make, login_as,
                                                          queries):
    lessons = _three_tracks(world, make)
    prog = world["programme"]
    c = login_as(world["manager"])
    url = f"/lessons/p/{prog.id}/progress"
    counts = []
    for n in (10, 190):
        _participants(n, prog, lessons, n)
        with queries() as q:
            assert c.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_course_index_and_dashboard_cost_the_same_for_2_and_12_lessons(app, world, make,
                                                                      login_as, queries):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    counts = []
    for n in (2, 10):
        for i in range(n):
            build_lesson(make, prog, [(2, 1)], track=("mentee", "mentor")[i % 2])
        with queries() as q:
            assert c.get(f"/lessons/p/{prog.id}").status_code == 200
            assert c.get("/dashboard").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_course_page_costs_the_same_for_2_and_12_lessons(app, world, make, login_as,
                                                       queries):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    counts = []
    for n in (2, 10):
        for i in range(n):
            build_lesson(make, prog, [(2, 1), (1, 0)], track=("mentee", "mentor")[i % 2])
        with queries() as q:
            page = c.get(f"/p/{prog.id}").get_data(as_text=True)
        assert page.count('class="lesson-footer"') == len(counts) * 10 + 2
        counts.append(q.count)
        # every progress bar of the page comes from one statement, and which lessons
        # are listed (originals, not their copies in other languages) from one more
        assert sum("lessons_read" in s for s in q.statements) == 1
        assert sum("lessons_" in s for s in q.statements) == 2
    assert counts[0] == counts[1]


def test_translated_copy_is_shown_in_the_learners_language(app, world, make, login_as):
    prog = world["programme"]
    original = build_lesson(make, prog, [(1, 0)], title="Mentoring basics", track="mentee")
    copy = build_lesson(make, prog, [(1, 0)], title="Základy mentoringu", track="mentee",
                        language="cs", translation_of=original)
    url = f"/lessons/p/{prog.id}"
    mentee = world["mentee_a"]
    page = login_as(mentee).get(url).get_data(as_text=True)
    assert "Mentoring basics</a>" in page and 'lang="cs">Čeština</a>' in page
    mentee.language = "cs"
    db.session.commit()
    _read(mentee, chapters(copy)[0])
    c = login_as(mentee)
    page = c.get(url).get_data(as_text=True)
    assert "Základy mentoringu</a>" in page and 'lang="en">English</a>' in page
    assert 'max="1" value="1"' in page  # progress of the copy counts for the lesson
    assert "English" in c.get(f"/lessons/{copy.id}").get_data(as_text=True)
