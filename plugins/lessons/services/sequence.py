"""The reading order of a lesson: every page of a chapter, then the chapter's
reflective questions (when it has any), then the next chapter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for

from plugins.lessons.models import Chapter, Page


@dataclass(frozen=True)
class Step:
    """One stop on the way through a lesson: a page, or a chapter's questions."""

    chapter: Chapter
    page: Page | None = None

    @property
    def kind(self) -> str:
        """``"page"`` or ``"reflect"``."""
        return "page" if self.page is not None else "reflect"

    @property
    def title(self) -> str:
        """The page title; for questions, the chapter's title."""
        return self.page.title if self.page is not None else self.chapter.title

    def url(self, activity_id: int) -> str:
        """Where this step is read."""
        if self.page is not None:
            return url_for("lessons.page", activity_id=activity_id, page_id=self.page.id)
        return url_for("lessons.reflect", activity_id=activity_id, chapter_id=self.chapter.id)


def steps(chapters: Sequence[Chapter]) -> list[Step]:
    """The lesson's steps in reading order."""
    out: list[Step] = []
    for chapter in chapters:
        out.extend(Step(chapter, page) for page in chapter.pages)
        if chapter.questions:
            out.append(Step(chapter))
    return out


def locate(all_steps: Sequence[Step], *, page_id: int | None = None,
           chapter_id: int | None = None) -> int | None:
    """The index of a page's step, or of a chapter's questions step; None if absent."""
    for i, step in enumerate(all_steps):
        if page_id is not None and step.page is not None and step.page.id == page_id:
            return i
        if chapter_id is not None and step.page is None and step.chapter.id == chapter_id:
            return i
    return None


def neighbours(all_steps: Sequence[Step], index: int) -> tuple[Step | None, Step | None]:
    """The steps before and after ``index`` (None at either end)."""
    prev = all_steps[index - 1] if index > 0 else None
    nxt = all_steps[index + 1] if index + 1 < len(all_steps) else None
    return prev, nxt
