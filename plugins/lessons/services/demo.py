"""The demo course: the lesson folders shipped in ``plugins/lessons/course``, imported
into a section of their own, and a little progress so that the pages have
something to show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.extensions import db
from core.models import Section, utcnow
from core.text import render_markdown
from plugins.lessons.models import JournalEntry, Lesson, PageRead
from plugins.lessons.services import bundle
from plugins.lessons.services.catalogue import chapters_of

COURSE = Path(__file__).resolve().parent.parent / "course"


def course_folders() -> list[Path]:
    """The lesson folders of the shipped course, in the order ``course.json`` gives."""
    index = json.loads((COURSE / "course.json").read_text(encoding="utf-8"))
    return [COURSE / name for name in index["lessons"]]


def build(programme: Any, users: dict[str, Any]) -> None:
    """Import the course into a new last section and record some demo progress."""
    index = json.loads((COURSE / "course.json").read_text(encoding="utf-8"))
    section = Section(programme_id=programme.id, title=index["section"],
                      summary_source=index["summary"],
                      summary_html=render_markdown(index["summary"]),
                      position=len(programme.sections))
    db.session.add(section)
    db.session.flush()
    by_track = {}
    for folder in course_folders():
        activity = bundle.load(bundle.read_folder(folder), section, users.get("manager"),
                               commit=False)
        by_track[db.session.get(Lesson, activity.id).track] = activity
    _progress(by_track, users)


def _read(user: Any, chapter: Any, pages: int | None = None) -> None:
    for page in chapter.pages[:pages]:
        db.session.add(PageRead(user_id=user.id, page_id=page.id, read_at=utcnow()))


def _answer(user: Any, chapter: Any, answers: list[str], shared: bool = False) -> None:
    for question, text in zip(chapter.questions, answers, strict=False):
        db.session.add(JournalEntry(
            user_id=user.id, activity_id=chapter.activity_id, question_id=question.id,
            chapter_title=chapter.title, question_text=question.text, answer_source=text,
            answer_html=render_markdown(text), shared_with_mentor=shared))


def _progress(by_track: dict[str, Any], users: dict[str, Any]) -> None:
    mentee = chapters_of(by_track["mentee"].id)
    _read(users["mentee1"], mentee[0])
    _answer(users["mentee1"], mentee[0], [
        "I want a job where I can use my Arabic and my English, ideally in logistics. "
        "By the end of the programme I want to have had at least three interviews.",
        "The CV template first. I will fill it in at home and send it to my mentor as an "
        "attachment in the group forum.",
    ], shared=True)
    _read(users["mentee1"], mentee[1], pages=1)
    _read(users["mentee2"], mentee[0], pages=2)
    mentor = chapters_of(by_track["mentor"].id)
    _read(users["mentor1"], mentor[0])
    _answer(users["mentor1"], mentor[0], [
        "That I have changed jobs three times myself and that none of those changes was "
        "a straight line. I want them to feel they can ask me anything.",
    ])
    manager = chapters_of(by_track["manager"].id)
    _read(users["manager"], manager[0], pages=2)
