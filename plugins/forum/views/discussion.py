"""A discussion: its posts, replying (with quoting), pin, lock and subscription."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.permissions import capability_required
from core.storage import UploadError
from core.text import quote
from core.views.forms import ConfirmForm
from plugins.forum.access import (
    can_attach,
    can_moderate,
    can_reply,
    discussion_or_404,
    forum_or_404,
    post_or_404,
    sees_deleted,
)
from plugins.forum.forms import ReplyForm
from plugins.forum.models import Post
from plugins.forum.services import posting
from plugins.forum.services.reading import last_read, mark_read, posts_per_page
from plugins.forum.services.subscriptions import set_subscription, state
from plugins.forum.services.thread import thread_page
from plugins.forum.views.common import bp, render_form


def _parent(activity, discussion, raw) -> Post | None:  # noqa: ANN001
    if not raw or not str(raw).isdigit():
        return None
    post = post_or_404(activity, int(raw))
    if post.discussion_id != discussion.id:
        abort(404)
    return post


@bp.route("/<int:activity_id>/d/<int:discussion_id>")
@capability_required("forum.view")
def discussion(activity_id: int, discussion_id: int):
    """The posts of a discussion, a reply form and the moderators' buttons."""
    activity = forum_or_404(activity_id)
    disc = discussion_or_404(activity, discussion_id)
    programme = activity.programme  # loaded with the discussion; held for later look-ups
    seen = last_read(current_user, disc.id)
    page, posts = thread_page(activity, disc, current_user, seen)
    rights = {
        "reply": can_reply(activity, disc),
        "attach": can_attach(activity, disc.group_id),
        "moderate": can_moderate(activity, disc.group_id),
        "see_deleted": sees_deleted(activity, disc.group_id),
    }
    html = render_template(
        "forum/discussion.html", activity=activity, programme=programme,
        discussion=disc, page=page, posts=posts, rights=rights,
        labels={"new": _("new"), "deleted": _("This post has been deleted."),
                "attachments": _("Attachments"), "quote": _("Quote"), "edit": _("Edit"),
                "delete": _("Delete"), "history": _("Earlier versions"),
                "show_deleted": _("Show the deleted text")},
        form=ReplyForm(formdata=None), subscription=state(current_user, activity, disc),
    )
    if posts:
        mark_read(current_user, disc.id, posts[-1].id, seen)
    return html


@bp.route("/<int:activity_id>/posts/<int:post_id>")
@capability_required("forum.view")
def post_link(activity_id: int, post_id: int):
    """Go to the page of its discussion where a post is shown."""
    activity = forum_or_404(activity_id)
    post = post_or_404(activity, post_id)
    before = db.session.scalar(db.select(db.func.count(Post.id)).where(
        Post.discussion_id == post.discussion_id, Post.id < post.id))
    page = before // posts_per_page() + 1
    args = {"page": page} if page > 1 else {}
    return redirect(url_for(".discussion", activity_id=activity.id,
                            discussion_id=post.discussion_id, **args) + f"#post-{post.id}")


@bp.route("/<int:activity_id>/d/<int:discussion_id>/reply", methods=["GET", "POST"])
@capability_required("forum.view")
def reply(activity_id: int, discussion_id: int):
    """Reply, optionally quoting a post (``?quote=<post id>``); "Preview" shows the result."""
    activity = forum_or_404(activity_id)
    disc = discussion_or_404(activity, discussion_id)
    if not can_reply(activity, disc):
        abort(404)
    form = ReplyForm()
    status = 200
    parent = _parent(activity, disc, request.args.get("quote") or form.parent.data)
    if request.method == "GET" and parent is not None and parent.deleted_at is None:
        author = parent.author.name if parent.author else _("deleted user")
        form.body.data = quote(parent.body_source, author)
        form.parent.data = str(parent.id)
    if form.validate_on_submit() and not form.preview_requested:
        if form.attachments.data and any(f.filename for f in form.attachments.data) \
                and not can_attach(activity, disc.group_id):
            abort(404)
        try:
            post = posting.reply(activity, disc, parent, form.body.data,
                                 form.attachments.data, current_user)
        except (UploadError, posting.SaveFailed) as err:
            form.attachments.errors = [*form.attachments.errors, str(err)]
            status = getattr(err, "status", status)  # 413, 429, 507 for a refused file
        else:
            flash(_("Your reply has been posted."), "success")
            return redirect(url_for(".post_link", activity_id=activity.id, post_id=post.id))
    return render_form("forum/reply_form.html", activity, form, discussion=disc,
                       parent=parent, may_attach=can_attach(activity, disc.group_id)), status


@bp.route("/<int:activity_id>/d/<int:discussion_id>/<any(pin, lock):flag>", methods=["POST"])
@capability_required("forum.moderate")
def toggle(activity_id: int, discussion_id: int, flag: str):
    """Pin or unpin, lock or unlock a discussion."""
    activity = forum_or_404(activity_id)
    disc = discussion_or_404(activity, discussion_id)
    if flag not in ("pin", "lock") or not can_moderate(activity, disc.group_id):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    attr = "pinned" if flag == "pin" else "locked"
    value = not getattr(disc, attr)
    posting.set_flag(disc, attr, value)
    messages = {("pinned", True): _("The discussion is pinned to the top."),
                ("pinned", False): _("The discussion is no longer pinned."),
                ("locked", True): _("The discussion is locked: nobody can reply."),
                ("locked", False): _("The discussion is open for replies again.")}
    flash(messages[(attr, value)], "success")
    return redirect(url_for(".discussion", activity_id=activity.id, discussion_id=disc.id))


@bp.route("/<int:activity_id>/d/<int:discussion_id>/subscription", methods=["POST"])
@capability_required("forum.subscribe")
def subscribe_discussion(activity_id: int, discussion_id: int):
    """Follow a discussion by mail, or stop following it."""
    activity = forum_or_404(activity_id)
    disc = discussion_or_404(activity, discussion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    on = request.form.get("subscribe") == "1"
    set_subscription(current_user.id, activity.id, disc.id, on)
    db.session.commit()
    flash(_("You will get new posts of this discussion by e-mail.") if on
          else _("You will no longer get new posts of this discussion by e-mail."), "success")
    return redirect(url_for(".discussion", activity_id=activity.id, discussion_id=disc.id))
