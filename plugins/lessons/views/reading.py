"""Reading a lesson: its contents, its pages with previous/next navigation, the
reflective questions of each chapter, and its images."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core import storage
from core.activities import activity_or_404
from core.extensions import db
from core.models import Activity, utcnow
from core.permissions import can, capability_required
from core.text import render_markdown
from core.views.forms import ConfirmForm
from plugins.lessons.blueprint import bp
from plugins.lessons.forms import reflection_form
from plugins.lessons.models import TYPE, Chapter, Image, JournalEntry, PageRead
from plugins.lessons.services import progress, sequence
from plugins.lessons.services.catalogue import chapters_of, lesson_of, translations_of
from plugins.lessons.services.journal import mentor_ids


class Reading:
    """A learner's place in a lesson: its chapters, steps and what they have done."""

    def __init__(self, activity: Activity) -> None:
        self.activity = activity
        self.chapters = chapters_of(activity.id)
        self.steps = sequence.steps(self.chapters)
        self.read, self.answered = progress.mine(current_user.id, activity.id)
        self.language = lesson_of(activity).language

    @property
    def figures(self) -> progress.Figures:
        return progress.from_loaded(self.chapters, self.read, self.answered)

    def done(self, step: sequence.Step) -> bool:
        """True when a page was read, or all of a chapter's questions answered."""
        if step.page is not None:
            return step.page.id in self.read
        return all(q.id in self.answered for q in step.chapter.questions)

    def chapter_done(self, chapter: Chapter) -> bool:
        return progress.chapter_status(chapter, self.read, self.answered)

    def resume(self) -> sequence.Step | None:
        """The first step not done yet (None when everything is done)."""
        return next((s for s in self.steps if not self.done(s)), None)

    def context(self, index: int | None = None) -> dict:
        """Template variables shared by the lesson's pages."""
        prev = nxt = None
        if index is not None:
            prev, nxt = sequence.neighbours(self.steps, index)
        return {"activity": self.activity, "programme": self.activity.programme,
                "reading": self, "chapters": self.chapters, "prev": prev, "next": nxt,
                "step": self.steps[index] if index is not None else None}


def _lesson(activity_id: int) -> Activity:
    return activity_or_404(activity_id, TYPE)


@bp.route("/<int:activity_id>")
@capability_required("lessons.read")
def view(activity_id: int):
    """The lesson's description, the learner's progress and its contents."""
    activity = _lesson(activity_id)
    reading = Reading(activity)
    lesson = lesson_of(activity)
    manage = can(current_user, "lessons.manage", activity.programme_id)
    return render_template(
        "lessons/lesson.html", lesson=lesson, manage=manage,
        copies=translations_of(lesson, include_hidden=manage), **reading.context())


@bp.route("/<int:activity_id>/pages/<int:page_id>")
@capability_required("lessons.read")
def page(activity_id: int, page_id: int):
    """One page of the lesson, with previous/next and the contents beside it."""
    reading = Reading(_lesson(activity_id))
    index = sequence.locate(reading.steps, page_id=page_id)
    if index is None:
        abort(404)
    return render_template("lessons/page.html", form=ConfirmForm(), **reading.context(index))


@bp.route("/<int:activity_id>/pages/<int:page_id>/read", methods=["POST"])
@capability_required("lessons.read")
def mark_read(activity_id: int, page_id: int):
    """Record that the learner read a page and take them to the next step."""
    activity = _lesson(activity_id)
    reading = Reading(activity)
    index = sequence.locate(reading.steps, page_id=page_id)
    if index is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    step = reading.steps[index]
    if page_id not in reading.read:
        db.session.add(PageRead(user_id=current_user.id, page_id=page_id, read_at=utcnow()))
        try:
            db.session.commit()
        except IntegrityError:  # the same page marked twice at once
            db.session.rollback()
        reading.read.add(page_id)
    _prev, nxt = sequence.neighbours(reading.steps, index)
    if (nxt is None or nxt.chapter is not step.chapter) and reading.chapter_done(step.chapter):
        flash(_("You completed the chapter “%(title)s”.", title=step.chapter.title), "success")
    if nxt is None:
        return _finished(activity, reading)
    return redirect(nxt.url(activity.id))


def _finished(activity: Activity, reading: Reading):  # noqa: ANN202
    if reading.figures.complete:
        flash(_("You have completed this lesson. Well done!"), "success")
    else:
        flash(_("You reached the end of the lesson. The contents show what is still open."),
              "info")
    return redirect(url_for(".view", activity_id=activity.id))


@bp.route("/<int:activity_id>/chapters/<int:chapter_id>/reflect", methods=["GET", "POST"])
@capability_required("lessons.read")
def reflect(activity_id: int, chapter_id: int):
    """A chapter's reflective questions; the answers go into the learner's journal."""
    activity = _lesson(activity_id)
    reading = Reading(activity)
    index = sequence.locate(reading.steps, chapter_id=chapter_id)
    if index is None:
        abort(404)
    chapter = reading.steps[index].chapter
    entries = {e.question_id: e for e in db.session.scalars(db.select(JournalEntry).where(
        JournalEntry.user_id == current_user.id,
        JournalEntry.question_id.in_([q.id for q in chapter.questions])))}
    can_share = bool(mentor_ids(current_user.id, activity.programme_id))
    form = reflection_form(chapter.questions, entries, can_share)
    if form.validate_on_submit():
        _save_answers(activity, chapter, entries, form, can_share)
        db.session.commit()
        reading.read, reading.answered = progress.mine(current_user.id, activity.id)
        if reading.chapter_done(chapter):
            flash(_("Your answers are in your journal. You completed the chapter “%(title)s”.",
                    title=chapter.title), "success")
            _prev, nxt = sequence.neighbours(reading.steps, index)
            if nxt is None:
                return _finished(activity, reading)
            return redirect(nxt.url(activity.id))
        if all(q.id in reading.answered for q in chapter.questions):
            flash(_("Your answers are in your journal. Read the chapter's remaining pages "
                    "to complete it."), "info")
        else:
            flash(_("Your answers are saved. The chapter is complete when every question "
                    "has an answer."), "info")
        return redirect(url_for(".reflect", activity_id=activity.id, chapter_id=chapter.id))
    return render_template("lessons/reflect.html", form=form, chapter=chapter,
                           can_share=can_share, **reading.context(index))


def _save_answers(activity: Activity, chapter: Chapter, entries: dict, form: Any,
                  can_share: bool) -> None:
    now = utcnow()
    for q in chapter.questions:
        text = (form[f"answer_{q.id}"].data or "").strip()
        share = bool(can_share and form[f"share_{q.id}"].data)
        entry = entries.get(q.id)
        if not text:
            if entry is not None:  # the learner emptied the answer: it leaves the journal
                db.session.delete(entry)
            continue
        if entry is None:
            entry = JournalEntry(user_id=current_user.id, activity_id=activity.id,
                                 question_id=q.id, created_at=now)
            db.session.add(entry)
        elif entry.answer_source == text and entry.shared_with_mentor == share:
            continue
        entry.chapter_title = chapter.title
        entry.question_text = q.text
        entry.answer_source = text
        entry.answer_html = render_markdown(text)
        entry.shared_with_mentor = share
        entry.updated_at = now


@bp.route("/<int:activity_id>/images/<name>")
@capability_required("lessons.read")
def image(activity_id: int, name: str):
    """An image of the lesson, shown inside its pages."""
    _lesson(activity_id)
    row = db.session.scalar(db.select(Image).where(Image.activity_id == activity_id,
                                                   Image.name == name))
    if row is None:
        abort(404)
    return storage.serve(row.file)
