"""A forum's pages: the discussion list, starting a discussion, search, preferences."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.permissions import capability_required
from core.storage import UploadError
from core.text import render_markdown
from core.views.forms import ConfirmForm, SearchForm
from core.views.helpers import paginate
from plugins.forum.access import can_start, forum_or_404
from plugins.forum.forms import DiscussionForm, PreferenceForm
from plugins.forum.models import Discussion, Post
from plugins.forum.services import posting
from plugins.forum.services.reading import (
    discussions_page,
    group_filter,
    mark_forum_read,
    unread_counts,
)
from plugins.forum.services.subscriptions import set_digest, set_subscription, wants_digest
from plugins.forum.views.common import bp, forum_context, render_form, space

PREVIEW_MAX = 50000


def _group_arg(group) -> dict:  # noqa: ANN001
    return {"group": group.id} if group is not None else {}


@bp.route("/<int:activity_id>")
@capability_required("forum.view")
def view(activity_id: int):
    """The forum's discussions (in the group space being viewed)."""
    activity = forum_or_404(activity_id)
    group, groups = space(activity)
    if activity.separate and group is None:
        return render_template("forum/no_group.html", activity=activity,
                               programme=activity.programme)
    group_id = group.id if group else None
    page = discussions_page(activity, group_id)
    unread = unread_counts(current_user, [d.id for d in page.items])
    prefs = PreferenceForm(digest="digest" if wants_digest(current_user.id) else "each")
    return render_template(
        "forum/view.html", activity=activity, programme=activity.programme, page=page,
        group=group, groups=groups, unread=unread, prefs=prefs, search=SearchForm(),
        confirm=ConfirmForm(), group_arg=_group_arg(group), **forum_context(activity, group_id),
    )


@bp.route("/<int:activity_id>/new", methods=["GET", "POST"])
@capability_required("forum.view")
def new_discussion(activity_id: int):
    """Start a discussion: subject, message and attachments; "Preview" shows the result."""
    activity = forum_or_404(activity_id)
    group, _groups = space(activity)
    group_id = group.id if group else None
    if (activity.separate and group is None) or not can_start(activity, group_id):
        abort(404)
    form = DiscussionForm()
    status = 200
    if form.validate_on_submit() and not form.preview_requested:
        try:
            discussion = posting.start_discussion(activity, group_id, form.title.data,
                                                  form.body.data, form.attachments.data,
                                                  current_user)
        except (UploadError, posting.SaveFailed) as err:
            form.attachments.errors = [*form.attachments.errors, str(err)]
            status = getattr(err, "status", status)  # 413, 429, 507 for a refused file
        else:
            flash(_("Your discussion has been posted."), "success")
            return redirect(url_for(".discussion", activity_id=activity.id,
                                    discussion_id=discussion.id))
    return render_form("forum/discussion_form.html", activity, form, group=group,
                       group_arg=_group_arg(group), **forum_context(activity, group_id)), status


@bp.route("/<int:activity_id>/search")
@capability_required("forum.view")
def search(activity_id: int):
    """Posts of this forum (in the group space being viewed) containing the words."""
    activity = forum_or_404(activity_id)
    group, groups = space(activity)
    if activity.separate and group is None:
        abort(404)
    form = SearchForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    page = None
    if q:
        like = f"%{q.replace('%', '').replace('_', ' ')}%"
        stmt = (
            db.select(Post)
            .join(Discussion, Discussion.id == Post.discussion_id)
            .where(Discussion.activity_id == activity.id, Discussion.deleted_at.is_(None),
                   Post.deleted_at.is_(None), group_filter(activity, group and group.id),
                   or_(Post.body_source.ilike(like), Discussion.title.ilike(like)))
            .options(joinedload(Post.author), joinedload(Post.discussion))
            .order_by(Post.id.desc())
        )
        page = paginate(stmt)
    return render_template("forum/search.html", activity=activity,
                           programme=activity.programme, form=form, q=q, page=page,
                           group=group, group_arg=_group_arg(group))


@bp.route("/<int:activity_id>/preview", methods=["POST"])
@capability_required("forum.view")
def preview(activity_id: int):
    """The sanitised HTML of a message, for the live preview script."""
    forum_or_404(activity_id)
    source = request.form.get("body", "")[:PREVIEW_MAX]
    return render_markdown(source), 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.route("/<int:activity_id>/subscription", methods=["POST"])
@capability_required("forum.subscribe")
def subscribe_forum(activity_id: int):
    """Subscribe to the whole forum, or unsubscribe."""
    activity = forum_or_404(activity_id)
    on = request.form.get("subscribe") == "1"
    if not ConfirmForm().validate_on_submit():
        abort(400)
    set_subscription(current_user.id, activity.id, None, on)
    db.session.commit()
    flash(_("You are subscribed to this forum.") if on
          else _("You are no longer subscribed to this forum."), "success")
    return redirect(url_for(".view", activity_id=activity.id, **request.args))


@bp.route("/<int:activity_id>/preferences", methods=["POST"])
@capability_required("forum.subscribe")
def preferences(activity_id: int):
    """Each post by mail, or one digest a day (for every forum)."""
    activity = forum_or_404(activity_id)
    form = PreferenceForm()
    if not form.validate_on_submit():
        abort(400)
    set_digest(current_user.id, form.digest.data == "digest")
    db.session.commit()
    flash(_("Your mail preference has been saved."), "success")
    return redirect(url_for(".view", activity_id=activity.id, **request.args))


@bp.route("/<int:activity_id>/read", methods=["POST"])
@capability_required("forum.view")
def mark_read(activity_id: int):
    """Mark every discussion in the group space as read."""
    activity = forum_or_404(activity_id)
    group, _groups = space(activity)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mark_forum_read(current_user, activity, group.id if group else None)
    flash(_("All discussions are marked as read."), "success")
    return redirect(url_for(".view", activity_id=activity.id, **_group_arg(group)))
