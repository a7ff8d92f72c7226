"""Fixtures for the lessons plugin: lessons built row by row, and a small PNG."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image as PILImage

from core.extensions import db
from plugins.lessons.models import Chapter, Lesson, Page, Question
from plugins.lessons.services.images import render_page


def png_bytes(colour: str = "red", size: tuple[int, int] = (4, 3)) -> bytes:
    """A real, tiny PNG."""
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def build_lesson(make: Any, programme: Any, shape: list[tuple[int, int]], *,
                 title: str = "Lesson", track: str = "all", language: str = "en",
                 key: str | None = None, translation_of: Any = None, section: Any = None,
                 visible: bool = True) -> Any:
    """A lesson activity whose chapters have ``shape`` = [(pages, questions), …]."""
    activity = make.activity(programme, "lessons.lesson", plugin="lessons", title=title,
                             section=section, visible=visible)
    db.session.add(Lesson(activity_id=activity.id, key=key or f"lesson-{activity.id}",
                          track=track, language=language,
                          translation_of_id=getattr(translation_of, "id", translation_of)))
    for c, (pages, questions) in enumerate(shape, start=1):
        chapter = Chapter(activity_id=activity.id, position=c - 1, title=f"Chapter {c}")
        chapter.pages = [
            Page(position=p, title=f"Page {c}.{p + 1}",
                 body_source=f"Text of page {c}.{p + 1}.",
                 body_html=render_page(f"Text of page {c}.{p + 1}.", activity.id))
            for p in range(pages)]
        chapter.questions = [Question(position=q, text=f"Question {c}.{q + 1}?")
                             for q in range(questions)]
        db.session.add(chapter)
    db.session.commit()
    return activity


def chapters(activity: Any) -> list[Chapter]:
    from plugins.lessons.services.catalogue import chapters_of

    return chapters_of(activity.id)


@pytest.fixture
def lesson(world, make):
    """A lesson for everyone: chapter 1 has two pages and two questions, chapter 2 one
    page and no question, chapter 3 no page and one question."""
    return build_lesson(make, world["programme"], [(2, 2), (1, 0), (0, 1)])
