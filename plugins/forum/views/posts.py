"""One post: editing with optimistic locking, deleting, its history, its attachments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core import concurrency
from core.extensions import db
from core.permissions import capability_required
from core.storage import serve
from core.views.forms import ConfirmForm
from plugins.forum.access import (
    can_delete,
    can_edit,
    can_moderate,
    can_see_history,
    can_write,
    edit_deadline,
    forum_or_404,
    post_or_404,
    sees_deleted,
)
from plugins.forum.forms import EditForm
from plugins.forum.models import Attachment, Post, Revision
from plugins.forum.services import posting
from plugins.forum.views.common import bp, render_form


def _back(activity_id: int, post: Post):  # noqa: ANN202
    return redirect(url_for(".post_link", activity_id=activity_id, post_id=post.id))


@bp.route("/<int:activity_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@capability_required("forum.view")
def edit(activity_id: int, post_id: int):
    """Change a post's text. If someone saved it meanwhile, nothing is overwritten: the
    editor sees the current text next to their own and can merge."""
    activity = forum_or_404(activity_id)
    post = post_or_404(activity, post_id)
    first = posting.is_first(post)
    form = EditForm()
    blocked = None
    if not can_edit(activity, post):
        group_id = post.discussion.group_id
        if post.author_id != current_user.id and not sees_deleted(activity, group_id):
            abort(404)
        if post.deleted_at is not None:
            blocked = _("This post has been deleted; it cannot be edited any more.")
        elif not can_write(activity, group_id):
            blocked = _("This group or programme has ended: its posts stay as they are.")
        else:
            blocked = _("The time for editing this post is over.")
        if request.method == "GET":
            flash(blocked, "error")
            return _back(activity.id, post)
    if request.method == "GET":
        form.body.data = post.body_source
        form.version.data = post.version
        if first:
            form.title.data = post.discussion.title
    conflict = None
    if blocked is None and form.validate_on_submit() and not form.preview_requested:
        try:
            posting.edit(activity, post, form.body.data, form.version.data, current_user,
                         title=form.title.data if first else None)
        except concurrency.EditConflict:
            db.session.rollback()
            db.session.expire_all()
            post = post_or_404(activity, post_id)
            if post.deleted_at is not None:
                blocked = _("This post was deleted while you were editing it.")
            concurrency.show_version(form, post.version)
            fields = {"body": "body_source"}
            if first:
                fields["title"] = lambda p: p.discussion.title
            conflict = concurrency.form_changes(form, post, fields)
        else:
            flash(_("Your changes have been saved."), "success")
            return _back(activity.id, post)
    page = render_form("forum/edit_form.html", activity, form, post=post, first=first,
                       conflict=conflict, blocked=blocked, discussion=post.discussion,
                       deadline=edit_deadline(post, activity.programme_id),
                       moderator=can_moderate(activity, post.discussion.group_id))
    return page, concurrency.status(conflict)


@bp.route("/<int:activity_id>/posts/<int:post_id>/delete", methods=["GET", "POST"])
@capability_required("forum.view")
def delete(activity_id: int, post_id: int):
    """Delete a post after confirmation; the opening post takes its discussion along."""
    activity = forum_or_404(activity_id)
    post = post_or_404(activity, post_id)
    if not can_delete(activity, post):
        abort(404)
    first = posting.is_first(post)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            whole = posting.delete(activity, post, current_user)
        except concurrency.EditConflict:
            flash(_("The post changed meanwhile; please look at it again."), "error")
            return _back(activity.id, post)
        if whole:
            flash(_("The discussion has been deleted."), "success")
            return redirect(url_for(".view", activity_id=activity.id))
        flash(_("The post has been deleted."), "success")
        return redirect(url_for(".discussion", activity_id=activity.id,
                                discussion_id=post.discussion_id))
    question = (_("Delete the discussion “%(t)s” with all its replies?",
                  t=post.discussion.title) if first else _("Delete this post?"))
    return render_template(
        "confirm.html", form=form, question=question, programme=activity.programme,
        cancel=url_for(".post_link", activity_id=activity.id, post_id=post.id),
    )


@bp.route("/<int:activity_id>/posts/<int:post_id>/history")
@capability_required("forum.view")
def history(activity_id: int, post_id: int):
    """Earlier versions of a post, for its author and moderators."""
    activity = forum_or_404(activity_id)
    post = post_or_404(activity, post_id)
    if not can_see_history(activity, post):
        abort(404)
    revisions = db.session.scalars(
        db.select(Revision).where(Revision.post_id == post.id)
        .options(joinedload(Revision.edited_by)).order_by(Revision.id.desc())
    ).all()
    return render_template("forum/history.html", activity=activity,
                           programme=activity.programme, post=post, revisions=revisions,
                           discussion=post.discussion)


@bp.route("/<int:activity_id>/files/<int:attachment_id>")
@capability_required("forum.view")
def download(activity_id: int, attachment_id: int):
    """An attachment, for those who may see its post."""
    activity = forum_or_404(activity_id)
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    post = post_or_404(activity, attachment.post_id)
    if post.deleted_at is not None and not sees_deleted(activity, post.discussion.group_id):
        abort(404)
    return serve(attachment.file)
