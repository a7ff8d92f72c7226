"""Writing a lesson: its settings, chapters, pages and reflective questions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from core.activities import activity_or_404
from core.extensions import db
from core.models import Activity, utcnow
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from core.views.helpers import move, renumber
from plugins.lessons.blueprint import bp
from plugins.lessons.forms import (
    ChapterForm,
    ImageForm,
    LessonSettingsForm,
    PageForm,
    QuestionForm,
)
from plugins.lessons.models import TYPE, Chapter, JournalEntry, Lesson, Page, Question
from plugins.lessons.services import images
from plugins.lessons.services.catalogue import (
    catalogue,
    chapters_of,
    ensure_lesson,
    lesson_of,
    track_label,
)

MANAGE = "lessons.manage"


def _lesson(activity_id: int) -> Activity:
    return activity_or_404(activity_id, TYPE)


def _manage_url(activity: Activity, anchor: str = "") -> str:
    return url_for(".manage", activity_id=activity.id) + (f"#{anchor}" if anchor else "")


def _chapter(activity: Activity, chapter_id: int) -> Chapter:
    chapter = db.session.get(Chapter, chapter_id)
    if chapter is None or chapter.activity_id != activity.id:
        abort(404)
    return chapter


def _page(activity: Activity, page_id: int) -> Page:
    page = db.session.get(Page, page_id)
    if page is None or page.chapter.activity_id != activity.id:
        abort(404)
    return page


def _question(activity: Activity, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.chapter.activity_id != activity.id:
        abort(404)
    return question


def _form_page(activity: Activity, form: Any, title: str, **extra: Any) -> str:
    return render_template("lessons/form.html", activity=activity, programme=activity.programme,
                           form=form, title=title, cancel=_manage_url(activity), **extra)


def _confirm(activity: Activity, question: str) -> str:
    return render_template("confirm.html", form=ConfirmForm(), programme=activity.programme,
                           question=question, cancel=_manage_url(activity))


def _touch(activity: Activity) -> None:
    row = db.session.get(Lesson, activity.id)
    if row is not None:
        row.updated_at = utcnow()


@bp.route("/<int:activity_id>/manage")
@capability_required(MANAGE)
def manage(activity_id: int):
    """The lesson's chapters, pages, questions and images, with their actions."""
    return render_manage(_lesson(activity_id))


def render_manage(activity: Any, image_form: ImageForm | None = None,
                  status: int = 200) -> tuple[str, int]:
    """The lesson's manage page; ``image_form`` keeps a refused image upload's errors."""
    chapters = chapters_of(activity.id)
    present = {img.name for img in images.images_of(activity.id)}
    missing = {p.id: [n for n in images.referenced_names(p.body_html, activity.id)
                      if n not in present]
               for ch in chapters for p in ch.pages}
    return render_template(
        "lessons/manage.html", activity=activity, programme=activity.programme,
        lesson=lesson_of(activity), chapters=chapters, images=images.images_of(activity.id),
        missing=missing, image_form=image_form or ImageForm(), confirm=ConfirmForm(),
        track_label=track_label), status


@bp.route("/<int:activity_id>/settings", methods=["GET", "POST"])
@capability_required(MANAGE)
def settings(activity_id: int):
    """Track, language, key and the original of a translated copy."""
    activity = _lesson(activity_id)
    lesson = lesson_of(activity)
    form = LessonSettingsForm(obj=lesson)
    originals = [i for i in catalogue(activity.programme_id, include_hidden=True)
                 if i.activity.id != activity.id and i.lesson.translation_of_id is None]
    form.translation_of.choices = [(0, _("— none: this is an original —"))] + [
        (i.activity.id, f"{i.activity.title} ({i.lesson.language})") for i in originals]
    if not form.is_submitted():
        form.translation_of.data = lesson.translation_of_id or 0
    if form.validate_on_submit():
        key_taken = db.session.scalar(
            db.select(Lesson.activity_id).join(Activity, Activity.id == Lesson.activity_id)
            .where(Activity.programme_id == activity.programme_id, Lesson.key == form.key.data,
                   Lesson.activity_id != activity.id))
        has_copies = db.session.scalar(
            db.select(Lesson.activity_id).where(Lesson.translation_of_id == activity.id))
        if key_taken:
            form.key.errors.append(_("Another lesson of this programme has this key."))
        elif form.translation_of.data and has_copies:
            form.translation_of.errors.append(
                _("This lesson has translated copies, so it cannot be a copy itself."))
        else:
            lesson = ensure_lesson(activity)
            lesson.track = form.track.data
            lesson.language = form.language.data
            lesson.key = form.key.data
            lesson.translation_of_id = form.translation_of.data or None
            lesson.updated_at = utcnow()
            db.session.commit()
            flash(_("The lesson's settings are saved."), "success")
            return redirect(_manage_url(activity))
    return _form_page(activity, form, _("Lesson settings"),
                      hints={"key": _("Names the lesson in exported folders; a translated "
                                      "copy refers to its original by this key.")})


# --- chapters --------------------------------------------------------------------


@bp.route("/<int:activity_id>/chapters/new", methods=["GET", "POST"])
@capability_required(MANAGE)
def new_chapter(activity_id: int):
    """Add a chapter at the end of the lesson."""
    activity = _lesson(activity_id)
    form = ChapterForm()
    if form.validate_on_submit():
        count = db.session.scalar(db.select(db.func.count(Chapter.id))
                                  .where(Chapter.activity_id == activity.id))
        chapter = Chapter(activity_id=activity.id, title=form.title.data.strip(), position=count)
        db.session.add(chapter)
        ensure_lesson(activity)
        _touch(activity)
        db.session.commit()
        flash(_("Chapter added. Now add its pages and questions."), "success")
        return redirect(_manage_url(activity, f"chapter-{chapter.id}"))
    return _form_page(activity, form, _("New chapter"))


@bp.route("/<int:activity_id>/chapters/<int:chapter_id>/edit", methods=["GET", "POST"])
@capability_required(MANAGE)
def edit_chapter(activity_id: int, chapter_id: int):
    """Rename a chapter."""
    activity = _lesson(activity_id)
    chapter = _chapter(activity, chapter_id)
    form = ChapterForm(obj=chapter)
    if form.validate_on_submit():
        chapter.title = form.title.data.strip()
        _touch(activity)
        db.session.commit()
        flash(_("Chapter saved."), "success")
        return redirect(_manage_url(activity, f"chapter-{chapter.id}"))
    return _form_page(activity, form, _("Edit chapter"))


@bp.route("/<int:activity_id>/chapters/<int:chapter_id>/delete", methods=["GET", "POST"])
@capability_required(MANAGE)
def delete_chapter(activity_id: int, chapter_id: int):
    """Delete a chapter with its pages and questions, after confirmation."""
    activity = _lesson(activity_id)
    chapter = _chapter(activity, chapter_id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(chapter)
        db.session.flush()
        renumber(chapters_of(activity.id))
        _touch(activity)
        db.session.commit()
        flash(_("Chapter deleted. Learners' journal answers to its questions are kept."),
              "success")
        return redirect(_manage_url(activity))
    return _confirm(activity, _("Delete the chapter “%(t)s” (pages: %(p)d, questions: %(q)d)? "
                                "This cannot be undone.", t=chapter.title,
                                p=len(chapter.pages), q=len(chapter.questions)))


@bp.route("/<int:activity_id>/chapters/<int:chapter_id>/move/<direction>", methods=["POST"])
@capability_required(MANAGE)
def move_chapter(activity_id: int, chapter_id: int, direction: str):
    """Move a chapter up or down."""
    activity = _lesson(activity_id)
    chapter = _chapter(activity, chapter_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    move(chapters_of(activity.id), chapter, direction)
    db.session.commit()
    return redirect(_manage_url(activity, f"chapter-{chapter.id}"))


# --- pages ---------------------------------------------------------------------------


def _save_page(activity: Activity, page: Page, form: PageForm) -> None:
    page.title = form.title.data.strip()
    page.body_source = form.body.data or ""
    page.body_html = images.render_page(page.body_source, activity.id)
    page.updated_at = utcnow()
    _touch(activity)


def _image_hint(activity: Activity) -> str:
    names = [img.name for img in images.images_of(activity.id)]
    hint = _("Show an image of this lesson with ![what the image shows](name.png).")
    if names:
        hint += " " + _("Images of this lesson: %(names)s.", names=", ".join(names))
    return hint


@bp.route("/<int:activity_id>/chapters/<int:chapter_id>/pages/new", methods=["GET", "POST"])
@capability_required(MANAGE)
def new_page(activity_id: int, chapter_id: int):
    """Add a page at the end of a chapter."""
    activity = _lesson(activity_id)
    chapter = _chapter(activity, chapter_id)
    form = PageForm()
    if form.validate_on_submit():
        page = Page(chapter_id=chapter.id, position=len(chapter.pages))
        _save_page(activity, page, form)
        db.session.add(page)
        db.session.commit()
        flash(_("Page added."), "success")
        return redirect(_manage_url(activity, f"chapter-{chapter.id}"))
    return _form_page(activity, form, _("New page in “%(t)s”", t=chapter.title),
                      hints={"body": _image_hint(activity)})


@bp.route("/<int:activity_id>/pages/<int:page_id>/edit", methods=["GET", "POST"])
@capability_required(MANAGE)
def edit_page(activity_id: int, page_id: int):
    """Change a page's title and text."""
    activity = _lesson(activity_id)
    page = _page(activity, page_id)
    form = PageForm(obj=page)
    if not form.is_submitted():
        form.body.data = page.body_source
    if form.validate_on_submit():
        _save_page(activity, page, form)
        db.session.commit()
        flash(_("Page saved."), "success")
        return redirect(url_for(".page", activity_id=activity.id, page_id=page.id))
    return _form_page(activity, form, _("Edit page"), hints={"body": _image_hint(activity)})


@bp.route("/<int:activity_id>/pages/<int:page_id>/delete", methods=["GET", "POST"])
@capability_required(MANAGE)
def delete_page(activity_id: int, page_id: int):
    """Delete a page, after confirmation."""
    activity = _lesson(activity_id)
    page = _page(activity, page_id)
    if ConfirmForm().validate_on_submit():
        chapter = page.chapter
        db.session.delete(page)
        db.session.flush()
        renumber(chapter.pages)
        _touch(activity)
        db.session.commit()
        flash(_("Page deleted."), "success")
        return redirect(_manage_url(activity, f"chapter-{chapter.id}"))
    return _confirm(activity, _("Delete the page “%(t)s”? This cannot be undone.",
                                t=page.title))


@bp.route("/<int:activity_id>/pages/<int:page_id>/move/<direction>", methods=["POST"])
@capability_required(MANAGE)
def move_page(activity_id: int, page_id: int, direction: str):
    """Move a page up or down within its chapter."""
    activity = _lesson(activity_id)
    page = _page(activity, page_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    move(page.chapter.pages, page, direction)
    db.session.commit()
    return redirect(_manage_url(activity, f"chapter-{page.chapter_id}"))


# --- reflective questions ------------------------------------------------------------


@bp.route("/<int:activity_id>/chapters/<int:chapter_id>/questions/new",
          methods=["GET", "POST"])
@capability_required(MANAGE)
def new_question(activity_id: int, chapter_id: int):
    """Add a reflective question at the end of a chapter."""
    activity = _lesson(activity_id)
    chapter = _chapter(activity, chapter_id)
    form = QuestionForm()
    if form.validate_on_submit():
        db.session.add(Question(chapter_id=chapter.id, text=form.text.data.strip(),
                                position=len(chapter.questions)))
        _touch(activity)
        db.session.commit()
        flash(_("Question added."), "success")
        return redirect(_manage_url(activity, f"chapter-{chapter.id}"))
    return _form_page(activity, form, _("New reflective question in “%(t)s”", t=chapter.title))


@bp.route("/<int:activity_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@capability_required(MANAGE)
def edit_question(activity_id: int, question_id: int):
    """Change a reflective question."""
    activity = _lesson(activity_id)
    question = _question(activity, question_id)
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        question.text = form.text.data.strip()
        _touch(activity)
        db.session.commit()
        flash(_("Question saved."), "success")
        return redirect(_manage_url(activity, f"chapter-{question.chapter_id}"))
    return _form_page(activity, form, _("Edit reflective question"))


@bp.route("/<int:activity_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@capability_required(MANAGE)
def delete_question(activity_id: int, question_id: int):
    """Delete a reflective question, after confirmation; answers stay in journals."""
    activity = _lesson(activity_id)
    question = _question(activity, question_id)
    if ConfirmForm().validate_on_submit():
        chapter = question.chapter
        db.session.delete(question)
        db.session.flush()
        renumber(chapter.questions)
        _touch(activity)
        db.session.commit()
        flash(_("Question deleted. Learners keep their answers in their journals."), "success")
        return redirect(_manage_url(activity, f"chapter-{chapter.id}"))
    answers = db.session.scalar(db.select(db.func.count(JournalEntry.id))
                                .where(JournalEntry.question_id == question.id))
    return _confirm(activity, _("Delete the question “%(t)s”? Answers so far: %(n)d; they "
                                "stay in the learners' journals.", t=question.text, n=answers))


@bp.route("/<int:activity_id>/questions/<int:question_id>/move/<direction>",
          methods=["POST"])
@capability_required(MANAGE)
def move_question(activity_id: int, question_id: int, direction: str):
    """Move a question up or down within its chapter."""
    activity = _lesson(activity_id)
    question = _question(activity, question_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    move(question.chapter.questions, question, direction)
    db.session.commit()
    return redirect(_manage_url(activity, f"chapter-{question.chapter_id}"))

