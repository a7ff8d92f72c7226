"""The learner's private journal, and the entries mentees share with their mentor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.activities import activity_or_404
from core.extensions import db
from core.models import Programme
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404, paginate
from plugins.lessons.blueprint import bp
from plugins.lessons.models import TYPE, JournalEntry
from plugins.lessons.services import journal


@bp.route("/<int:activity_id>/journal")
@capability_required("lessons.read")
def lesson_journal(activity_id: int):
    """My answers to this lesson's questions."""
    activity = activity_or_404(activity_id, TYPE)
    entries = db.session.scalars(
        journal.own_entries(current_user.id, activity.programme_id, activity.id)).all()
    return render_template("lessons/journal.html", activity=activity,
                           programme=activity.programme, entries=entries, page=None)


@bp.route("/p/<int:programme_id>/journal")
@capability_required("lessons.read")
def my_journal(programme_id: int):
    """My answers in every lesson of the programme."""
    programme = get_or_404(Programme, programme_id)
    page = paginate(journal.own_entries(current_user.id, programme_id)
                    .options(joinedload(JournalEntry.activity)))
    return render_template("lessons/journal.html", activity=None, programme=programme,
                           entries=page.items, page=page)


@bp.route("/p/<int:programme_id>/shared")
@capability_required("lessons.read_shared")
def shared(programme_id: int):
    """Journal entries my mentees chose to share with me."""
    programme = get_or_404(Programme, programme_id)
    page = paginate(journal.shared_with(current_user.id, programme_id)
                    .options(joinedload(JournalEntry.user), joinedload(JournalEntry.activity)))
    return render_template("lessons/shared.html", programme=programme, page=page)


@bp.route("/<int:activity_id>/journal/<int:entry_id>/delete", methods=["GET", "POST"])
@capability_required("lessons.read")
def delete_entry(activity_id: int, entry_id: int):
    """Remove one of my answers from my journal, after confirmation."""
    activity = activity_or_404(activity_id, TYPE)
    entry = db.session.get(JournalEntry, entry_id)
    if entry is None or entry.activity_id != activity.id or entry.user_id != current_user.id:
        abort(404)
    form = ConfirmForm()
    back = url_for(".lesson_journal", activity_id=activity.id)
    if form.validate_on_submit():
        db.session.delete(entry)
        db.session.commit()
        flash(_("The answer was removed from your journal."), "success")
        return redirect(back)
    return render_template(
        "confirm.html", form=form, programme=activity.programme, cancel=back,
        question=_("Remove your answer to “%(q)s” from your journal? This cannot be undone.",
                   q=entry.question_text))
