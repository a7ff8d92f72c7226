"""Progress figures: pages read and questions answered, per chapter, lesson and track.

A chapter is complete when every page was read and every reflective question
answered; a chapter without pages or questions does not count. Figures are
computed for many people and lessons at once in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func

from core.extensions import db
from core.models import Activity
from plugins.lessons.models import TYPE, Chapter, JournalEntry, Page, PageRead, Question


@dataclass
class Figures:
    """Progress through one lesson (or a whole track when added up)."""

    done: int = 0
    total: int = 0
    chapters_done: int = 0
    chapters: int = 0

    @property
    def percent(self) -> int:
        """Whole per cent of pages and questions done (rounded down, so 100 means all)."""
        return (100 * self.done) // self.total if self.total else 0

    @property
    def complete(self) -> bool:
        """True when every chapter that counts is complete."""
        return self.chapters > 0 and self.chapters_done == self.chapters

    @property
    def started(self) -> bool:
        return self.done > 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.done + other.done, self.total + other.total,
                       self.chapters_done + other.chapters_done, self.chapters + other.chapters)


@dataclass(frozen=True)
class ChapterUnits:
    """How many pages and questions a chapter has."""

    id: int
    activity_id: int
    pages: int
    questions: int

    @property
    def counts(self) -> bool:
        return self.pages + self.questions > 0


def chapter_units(activity_ids: Iterable[int]) -> dict[int, list[ChapterUnits]]:
    """Chapters of the lessons with their page and question counts (one query)."""
    ids = list(activity_ids)
    out: dict[int, list[ChapterUnits]] = {aid: [] for aid in ids}
    if not ids:
        return out
    pages = (db.select(func.count(Page.id)).where(Page.chapter_id == Chapter.id)
             .correlate(Chapter).scalar_subquery())
    questions = (db.select(func.count(Question.id)).where(Question.chapter_id == Chapter.id)
                 .correlate(Chapter).scalar_subquery())
    rows = db.session.execute(
        db.select(Chapter.id, Chapter.activity_id, pages, questions)
        .where(Chapter.activity_id.in_(ids)).order_by(Chapter.position, Chapter.id)
    ).all()
    for cid, aid, p, q in rows:
        out[aid].append(ChapterUnits(cid, aid, p, q))
    return out


def done_counts(chapter_ids: list[int], user_ids: list[int] | None
                ) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Pages read and questions answered per (user, chapter) (two queries).

    ``user_ids`` None means everybody.
    """
    if not chapter_ids or user_ids == []:
        return {}, {}
    reads = (db.select(PageRead.user_id, Page.chapter_id, func.count())
             .join(Page, Page.id == PageRead.page_id)
             .where(Page.chapter_id.in_(chapter_ids))
             .group_by(PageRead.user_id, Page.chapter_id))
    answers = (db.select(JournalEntry.user_id, Question.chapter_id, func.count())
               .join(Question, Question.id == JournalEntry.question_id)
               .where(Question.chapter_id.in_(chapter_ids))
               .group_by(JournalEntry.user_id, Question.chapter_id))
    if user_ids is not None:
        reads = reads.where(PageRead.user_id.in_(user_ids))
        answers = answers.where(JournalEntry.user_id.in_(user_ids))
    read = {(u, c): n for u, c, n in db.session.execute(reads).all()}
    answered = {(u, c): n for u, c, n in db.session.execute(answers).all()}
    return read, answered


def lesson_figures(units: list[ChapterUnits], user_id: int,
                   read: dict[tuple[int, int], int],
                   answered: dict[tuple[int, int], int]) -> Figures:
    """One person's figures for one lesson from the counts above."""
    fig = Figures()
    for ch in units:
        if not ch.counts:
            continue
        r = min(read.get((user_id, ch.id), 0), ch.pages)
        a = min(answered.get((user_id, ch.id), 0), ch.questions)
        fig.done += r + a
        fig.total += ch.pages + ch.questions
        fig.chapters += 1
        if r == ch.pages and a == ch.questions:
            fig.chapters_done += 1
    return fig


def figures(user_ids: list[int] | None, activity_ids: Iterable[int]
            ) -> dict[int, dict[int, Figures]]:
    """``{user_id: {activity_id: Figures}}`` for these people and lessons (three
    queries whatever their number). With ``user_ids`` None, everyone who has done
    anything is included; anyone missing has not started."""
    units = chapter_units(activity_ids)
    chapter_ids = [c.id for chs in units.values() for c in chs]
    read, answered = done_counts(chapter_ids, user_ids)
    people = set(user_ids or []) | {u for u, _c in read} | {u for u, _c in answered}
    return {uid: {aid: lesson_figures(chs, uid, read, answered) for aid, chs in units.items()}
            for uid in people}


@cache
def _person_statement() -> Any:
    """Every chapter of a programme's lessons with its page and question counts and
    how many of them one person read and answered; built once, as building the
    statement costs more than running it."""
    uid = bindparam("uid")
    pages = (db.select(func.count(Page.id)).where(Page.chapter_id == Chapter.id)
             .correlate(Chapter).scalar_subquery())
    questions = (db.select(func.count(Question.id)).where(Question.chapter_id == Chapter.id)
                 .correlate(Chapter).scalar_subquery())
    # counted from the chapter's pages and questions (a person reads a page and answers a
    # question at most once), so the cost follows the lesson, not the person's history
    read = (db.select(func.count(Page.id))
            .where(Page.chapter_id == Chapter.id,
                   db.select(PageRead.page_id).where(PageRead.user_id == uid,
                                                     PageRead.page_id == Page.id).exists())
            .correlate(Chapter).scalar_subquery())
    answered = (db.select(func.count(Question.id))
                .where(Question.chapter_id == Chapter.id,
                       db.select(JournalEntry.id).where(
                           JournalEntry.user_id == uid,
                           JournalEntry.question_id == Question.id).exists())
                .correlate(Chapter).scalar_subquery())
    return (db.select(Chapter.id, Chapter.activity_id, pages, questions, read, answered,
                      Activity.programme_id)
            .join(Activity, Activity.id == Chapter.activity_id)
            .where(Activity.programme_id.in_(bindparam("pids", expanding=True)),
                   Activity.type == TYPE))


def person_figures(programme_ids: Iterable[int], user_id: int
                   ) -> dict[int, dict[int, Figures]]:
    """``{programme_id: {activity_id: Figures}}`` of one person for every lesson of
    the programmes, hidden ones included (one query). Lessons without chapters are
    left out: they have nothing to do, as ``Figures()`` says."""
    ids = list(programme_ids)
    units: dict[int, list[ChapterUnits]] = {}
    programme_of: dict[int, int] = {}
    read: dict[tuple[int, int], int] = {}
    answered: dict[tuple[int, int], int] = {}
    rows = db.session.execute(_person_statement(), {"uid": user_id, "pids": ids or [-1]})
    for cid, aid, p, q, r, a, pid in rows:
        units.setdefault(aid, []).append(ChapterUnits(cid, aid, p, q))
        programme_of[aid] = pid
        read[(user_id, cid)], answered[(user_id, cid)] = r, a
    out: dict[int, dict[int, Figures]] = {pid: {} for pid in ids}
    for aid, chs in units.items():
        out[programme_of[aid]][aid] = lesson_figures(chs, user_id, read, answered)
    return out


def chapter_status(chapter: Chapter, read_ids: set[int], answered_ids: set[int]) -> bool:
    """True when a (loaded) chapter is complete for the person whose read pages and
    answered questions are given."""
    if not chapter.pages and not chapter.questions:
        return False
    return (all(p.id in read_ids for p in chapter.pages)
            and all(q.id in answered_ids for q in chapter.questions))


def mine(user_id: int, activity_id: int) -> tuple[set[int], set[int]]:
    """The ids of the pages a person read and questions they answered in a lesson."""
    read = set(db.session.scalars(
        db.select(PageRead.page_id).join(Page, Page.id == PageRead.page_id)
        .join(Chapter, Chapter.id == Page.chapter_id)
        .where(PageRead.user_id == user_id, Chapter.activity_id == activity_id)))
    answered = set(db.session.scalars(
        db.select(JournalEntry.question_id).where(
            JournalEntry.user_id == user_id, JournalEntry.activity_id == activity_id,
            JournalEntry.question_id.is_not(None))))
    return read, answered


def from_loaded(chapters: list[Chapter], read_ids: set[int], answered_ids: set[int]) -> Figures:
    """Figures for loaded chapters and one person's read pages and answers."""
    fig = Figures()
    for ch in chapters:
        units = len(ch.pages) + len(ch.questions)
        if not units:
            continue
        fig.total += units
        fig.done += sum(p.id in read_ids for p in ch.pages)
        fig.done += sum(q.id in answered_ids for q in ch.questions)
        fig.chapters += 1
        fig.chapters_done += chapter_status(ch, read_ids, answered_ids)
    return fig
