"""The private journal: its author reads it; their mentor reads what they share;
nobody else does."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import GroupMember
from plugins.lessons.models import JournalEntry
from plugins.lessons.services.journal import may_read, mentee_ids, mentor_ids
from tests.plugins.lessons.conftest import build_lesson, chapters

PRIVATE = "My private thought about interviews"
SHARED = "Something I want my mentor to read"


@pytest.fixture
def answered(world, make, login_as):
    """Mentee A answers two questions: the first privately, the second shared."""
    activity = build_lesson(make, world["programme"], [(1, 2)], track="mentee")
    chapter = chapters(activity)[0]
    q1, q2 = chapter.questions
    c = login_as(world["mentee_a"])
    resp = c.post(f"/lessons/{activity.id}/chapters/{chapter.id}/reflect",
                  data={f"answer_{q1.id}": PRIVATE, f"answer_{q2.id}": SHARED,
                        f"share_{q2.id}": "y"})
    assert resp.status_code == 302
    return activity


def _pages(world, activity):
    pid = world["programme"].id
    return {"lesson journal": f"/lessons/{activity.id}/journal",
            "my journal": f"/lessons/p/{pid}/journal",
            "shared with me": f"/lessons/p/{pid}/shared",
            "progress": f"/lessons/p/{pid}/progress",
            "course": f"/lessons/p/{pid}"}


# who: (sees private, sees shared) on any page they may open
MATRIX = {
    "mentee_a": (True, True),     # the author
    "mentor_a": (False, True),    # the author's mentor
    "mentee_a2": (False, False),  # same group, another mentee
    "mentor_b": (False, False),   # a mentor of another group
    "mentee_b": (False, False),
    "manager": (False, False),    # sees progress, never journal text
    "admin": (False, False),
    "outsider": (False, False),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_journal_visibility_matrix(app, world, answered, login_as, who):
    c = login_as(world[who])
    sees_private, sees_shared = MATRIX[who]
    seen = ""
    for name, url in _pages(world, answered).items():
        resp = c.get(url)
        assert resp.status_code in (200, 404), (name, resp.status_code)
        seen += resp.get_data(as_text=True)
    assert (PRIVATE in seen) is sees_private
    assert (SHARED in seen) is sees_shared


def test_capabilities_of_the_shared_page(app, world, answered, login_as):
    url = f"/lessons/p/{world['programme'].id}/shared"
    assert login_as(world["mentor_a"]).get(url).status_code == 200
    for who in ("mentee_a", "manager", "outsider"):
        assert login_as(world[who]).get(url).status_code == 404, who


def test_sharing_is_offered_only_to_learners_with_a_mentor(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(0, 1)])
    chapter = chapters(activity)[0]
    (q,) = chapter.questions
    url = f"/lessons/{activity.id}/chapters/{chapter.id}/reflect"
    assert "Share this answer with my mentor" in login_as(world["mentee_b"]).get(url).get_data(
        as_text=True)
    manager = login_as(world["manager"])
    assert "Share this answer" not in manager.get(url).get_data(as_text=True)
    manager.post(url, data={f"answer_{q.id}": "Notes", f"share_{q.id}": "y"})
    entry = db.session.scalar(db.select(JournalEntry))
    assert entry.user_id == world["manager"].id and entry.shared_with_mentor is False


def test_unsharing_hides_the_answer_again(app, world, answered, login_as):
    chapter = chapters(answered)[0]
    q1, q2 = chapter.questions
    login_as(world["mentee_a"]).post(
        f"/lessons/{answered.id}/chapters/{chapter.id}/reflect",
        data={f"answer_{q1.id}": PRIVATE, f"answer_{q2.id}": SHARED})
    page = login_as(world["mentor_a"]).get(f"/lessons/p/{world['programme'].id}/shared")
    assert SHARED not in page.get_data(as_text=True)


def test_mentor_reads_only_while_the_learner_is_their_mentee(app, world, answered, login_as):
    entry = db.session.scalar(db.select(JournalEntry).where(JournalEntry.shared_with_mentor))
    pid = world["programme"].id
    assert may_read(entry, world["mentor_a"], pid)
    assert not may_read(entry, world["mentor_b"], pid)
    db.session.add(GroupMember(group_id=world["group_b"].id, user_id=world["mentee_a"].id,
                               role="mentee"))
    db.session.commit()
    assert mentor_ids(world["mentee_a"].id, pid) == {world["mentor_a"].id, world["mentor_b"].id}
    assert "Something I want" in login_as(world["mentor_b"]).get(
        f"/lessons/p/{pid}/shared").get_data(as_text=True)
    db.session.execute(db.delete(GroupMember).where(
        GroupMember.user_id == world["mentee_a"].id))
    db.session.commit()
    assert mentee_ids(world["mentor_a"].id, pid) == {world["mentee_a2"].id}
    assert SHARED not in login_as(world["mentor_a"]).get(
        f"/lessons/p/{pid}/shared").get_data(as_text=True)


def test_only_the_author_removes_an_entry_after_confirming(app, world, answered, login_as):
    entry = db.session.scalar(db.select(JournalEntry).where(
        JournalEntry.answer_source == PRIVATE))
    url = f"/lessons/{answered.id}/journal/{entry.id}/delete"
    for who in ("mentor_a", "mentee_a2", "manager"):
        assert login_as(world[who]).post(url).status_code == 404, who
    author = login_as(world["mentee_a"])
    assert "Remove your answer" in author.get(url).get_data(as_text=True)
    assert db.session.get(JournalEntry, entry.id) is not None
    assert author.post(url).status_code == 302
    assert db.session.get(JournalEntry, entry.id) is None


def test_answers_stay_in_the_journal_when_the_question_is_removed(app, world, answered,
                                                                  login_as):
    chapter = chapters(answered)[0]
    q1 = chapter.questions[0]
    manager = login_as(world["manager"])
    assert manager.post(f"/lessons/{answered.id}/questions/{q1.id}/delete").status_code == 302
    page = login_as(world["mentee_a"]).get(f"/lessons/{answered.id}/journal")
    text = page.get_data(as_text=True)
    assert PRIVATE in text and "Question 1.1?" in text
    assert "the question was removed from the lesson" in text


def test_journal_answers_are_rendered_markdown(app, world, make, login_as):
    activity = build_lesson(make, world["programme"], [(0, 1)])
    chapter = chapters(activity)[0]
    (q,) = chapter.questions
    c = login_as(world["mentee_a"])
    c.post(f"/lessons/{activity.id}/chapters/{chapter.id}/reflect",
           data={f"answer_{q.id}": "I feel **ready**\n\n<script>alert(1)</script>"})
    entry = db.session.scalar(db.select(JournalEntry))
    assert "<strong>ready</strong>" in entry.answer_html and "<script" not in entry.answer_html
    page = c.get(f"/lessons/{activity.id}/journal").get_data(as_text=True)
    assert "<strong>ready</strong>" in page and "<script>alert" not in page
