"""The kept versions of a lesson page, for those who write the lesson."""

from __future__ import annotations

from flask import render_template

from core.permissions import capability_required
from plugins.lessons.blueprint import bp
from plugins.lessons.services import revisions
from plugins.lessons.views.editor import MANAGE, lesson_or_404, page_or_404


@bp.route("/<int:activity_id>/pages/<int:page_id>/revisions")
@capability_required(MANAGE)
def page_revisions(activity_id: int, page_id: int):
    """Every saved version of a page, newest first."""
    activity = lesson_or_404(activity_id)
    page = page_or_404(activity, page_id)
    return render_template("lessons/revisions.html", activity=activity,
                           programme=activity.programme, page=page,
                           revisions=revisions.revisions_of(page))


@bp.route("/<int:activity_id>/pages/<int:page_id>/revisions/<int:number>")
@capability_required(MANAGE)
def page_revision(activity_id: int, page_id: int, number: int):
    """One saved version of a page, as it read then."""
    activity = lesson_or_404(activity_id)
    page = page_or_404(activity, page_id)
    return render_template("lessons/revision.html", activity=activity,
                           programme=activity.programme, page=page,
                           revision=revisions.revision_or_404(page, number))
