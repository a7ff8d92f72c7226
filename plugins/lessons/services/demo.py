"""The shipped course: the lesson folders in ``plugins/lessons/course`` (English) and
their translations in ``course/i18n/<language>/``, installed into a section of their
own in the programme's language; and a little demo progress so that the pages have
something to show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import current_app

from core.extensions import db
from core.models import Activity, Section, utcnow
from core.text import render_markdown
from plugins.lessons.models import JournalEntry, Lesson, PageRead
from plugins.lessons.services import bundle
from plugins.lessons.services.catalogue import chapters_of

COURSE = Path(__file__).resolve().parent.parent / "course"
I18N = COURSE / "i18n"


def course_languages() -> list[str]:
    """English, then every language the course has a translation folder for."""
    found = {p.parent.name for p in I18N.glob("*/course.json")} if I18N.is_dir() else set()
    return ["en", *sorted(found - {"en"})]


def _base(language: str) -> Path:
    return COURSE if language == "en" else I18N / language


def course_index(language: str = "en") -> dict[str, Any]:
    """The course's ``course.json`` (section title, summary, lesson folders) in
    ``language``, or in English when there is no translation."""
    path = _base(language) / "course.json"
    if not path.is_file():
        path = COURSE / "course.json"
    return json.loads(path.read_text(encoding="utf-8"))


def course_folders(language: str = "en") -> list[Path]:
    """The lesson folders of the shipped course in ``language``, in the order
    ``course.json`` gives."""
    return [_base(language) / name for name in course_index("en")["lessons"]]


def course_files(folder: Path) -> bundle.Files:
    """The files of one lesson folder of the course; a translated folder takes its
    images from the English folder of the same name."""
    english = COURSE / folder.name
    return bundle.read_folder(folder, images_from=None if folder == english else english)


def install(programme: Any, actor: Any = None) -> dict[str, Activity]:
    """Add the course as a new last section of ``programme``, in the programme's
    language (English when the course has no translation into it), with every other
    language of the course as a translated copy that learners may switch to.
    Returns the lessons in the programme's language by track; flushes, no commit."""
    languages = [code for code in course_languages()
                 if code in current_app.config["LANGUAGES"]]
    primary = programme.language if programme.language in languages else "en"
    index = course_index(primary)
    section = Section(programme_id=programme.id, title=index["section"],
                      summary_source=index["summary"],
                      summary_html=render_markdown(index["summary"]),
                      position=len(programme.sections))
    db.session.add(section)
    db.session.flush()
    originals = {}
    for name in course_index("en")["lessons"]:
        activity = bundle.load(course_files(_base(primary) / name), section, actor,
                               language=primary, commit=False)
        originals[name] = db.session.get(Lesson, activity.id)
    for code in languages:
        if code != primary:
            for name, lesson in originals.items():
                bundle.load(course_files(_base(code) / name), section, actor,
                            translation_of=lesson, language=code, commit=False)
    return {lesson.track: lesson.activity for lesson in originals.values()}


def build(programme: Any, users: dict[str, Any]) -> None:
    """Install the course into the demo programme and record some demo progress."""
    _progress(install(programme, users.get("manager")), users)


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
