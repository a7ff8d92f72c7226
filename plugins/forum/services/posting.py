"""Writing to a forum: discussions, replies with attachments (all or nothing),
edits with history and optimistic locking, soft deletion, pin and lock."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from core.events import emit
from core.extensions import db
from core.models import Activity, utcnow
from core.plugins import setting
from core.storage import UploadError, discard, save_upload, shown_name
from core.text import render_markdown
from plugins.forum.models import Attachment, Discussion, Post, Revision
from plugins.forum.services.subscriptions import set_subscription

PLUGIN = "forum"


class EditConflict(Exception):
    """The post changed (or was deleted) since the editor loaded it."""


class SaveFailed(Exception):
    """The database refused the change; nothing was kept. ``str`` is for the user."""


def _files(uploads: Iterable[Any] | None) -> list[Any]:
    return [f for f in (uploads or []) if f is not None and getattr(f, "filename", "")]


def check_attachment_count(activity: Activity, uploads: Iterable[Any] | None) -> None:
    """Refuse more files than the programme allows on one post."""
    limit = int(setting(activity.programme_id, PLUGIN, "max_attachments"))
    if len(_files(uploads)) > limit:
        raise UploadError(_("Attach at most %(n)d files to one post.", n=limit))


def _attach(post: Post, activity: Activity, uploads: Iterable[Any] | None, user: Any,
            stored: list[Any]) -> None:
    for position, upload in enumerate(_files(uploads)):
        try:
            sf = save_upload(upload, plugin=PLUGIN, programme=activity.programme_id, user=user)
        except UploadError as err:
            raise UploadError(f"{shown_name(upload.filename)}: {err}", err.status) from err
        stored.append(sf)
        post.attachments.append(Attachment(file=sf, position=position))


def _commit(stored: list[Any]) -> None:
    try:
        db.session.commit()
    except SQLAlchemyError as err:
        db.session.rollback()
        discard(stored)
        raise SaveFailed(_("The post could not be saved. Please try again.")) from err


def _event_data(activity: Activity, discussion: Discussion, post: Post) -> dict[str, Any]:
    return {"activity_id": activity.id, "discussion_id": discussion.id, "post_id": post.id}


def start_discussion(activity: Activity, group_id: int | None, title: str, body: str,
                     uploads: Iterable[Any] | None, user: Any) -> Discussion:
    """Create a discussion with its first post and attachments in one transaction and
    subscribe the author. On ``UploadError`` or ``SaveFailed`` nothing remains."""
    stored: list[Any] = []
    try:
        check_attachment_count(activity, uploads)
        now = utcnow()
        discussion = Discussion(
            activity_id=activity.id, programme_id=activity.programme_id, group_id=group_id,
            title=title.strip(), author_id=user.id, last_post_at=now, last_author_id=user.id,
        )
        post = Post(discussion=discussion, author_id=user.id, body_source=body,
                    body_html=render_markdown(body), created_at=now)
        db.session.add_all([discussion, post])
        _attach(post, activity, uploads, user, stored)
        db.session.flush()
        discussion.last_post_id = post.id
        set_subscription(user.id, activity.id, discussion.id, True)
        data = _event_data(activity, discussion, post)
        emit("discussion_created", actor=user, programme=activity.programme_id, group=group_id,
             obj=discussion, data=data)
        emit("post_created", actor=user, programme=activity.programme_id, group=group_id,
             obj=post, data={**data, "first": True})
    except BaseException:
        db.session.rollback()
        discard(stored)
        raise
    _commit(stored)
    return discussion


def reply(activity: Activity, discussion: Discussion, parent: Post | None, body: str,
          uploads: Iterable[Any] | None, user: Any) -> Post:
    """Add a reply with its attachments in one transaction; nothing remains on failure."""
    stored: list[Any] = []
    try:
        check_attachment_count(activity, uploads)
        now = utcnow()
        post = Post(discussion_id=discussion.id, parent_id=parent.id if parent else None,
                    author_id=user.id, body_source=body, body_html=render_markdown(body),
                    created_at=now)
        db.session.add(post)
        _attach(post, activity, uploads, user, stored)
        db.session.flush()
        discussion.reply_count = Discussion.reply_count + 1
        discussion.last_post_at = now
        discussion.last_post_id = post.id
        discussion.last_author_id = user.id
        emit("post_created", actor=user, programme=activity.programme_id,
             group=discussion.group_id, obj=post,
             data={**_event_data(activity, discussion, post), "first": False})
    except BaseException:
        db.session.rollback()
        discard(stored)
        raise
    _commit(stored)
    return post


def edit(activity: Activity, post: Post, body: str, version: int | None, user: Any,
         title: str | None = None) -> None:
    """Save a new text, keeping the old one in the history.

    ``version`` is the one the editor loaded; if the post changed since, or another
    save wins the race, ``EditConflict`` is raised and nothing is written.
    """
    if post.deleted_at is not None or version != post.version:
        raise EditConflict
    db.session.add(Revision(
        post_id=post.id, body_source=post.body_source, body_html=post.body_html,
        written_at=post.edited_at or post.created_at, edited_by_id=user.id,
    ))
    post.body_source = body
    post.body_html = render_markdown(body)
    post.edited_at = utcnow()
    discussion = post.discussion
    if title and is_first(post):
        discussion.title = title.strip()
    emit("post_edited", actor=user, programme=activity.programme_id,
         group=discussion.group_id, obj=post, data=_event_data(activity, discussion, post))
    try:
        db.session.commit()
    except StaleDataError as err:
        db.session.rollback()
        raise EditConflict from err


def is_first(post: Post) -> bool:
    """True for the post that opened its discussion."""
    first = db.session.scalar(
        db.select(db.func.min(Post.id)).where(Post.discussion_id == post.discussion_id)
    )
    return first == post.id


def delete(activity: Activity, post: Post, user: Any) -> bool:
    """Soft-delete a post; deleting the opening post deletes the discussion.
    Returns True when the whole discussion went."""
    now = utcnow()
    discussion = post.discussion
    whole = is_first(post)
    post.deleted_at = now
    post.deleted_by_id = user.id
    if whole:
        discussion.deleted_at = now
    else:
        discussion.reply_count = Discussion.reply_count - 1
    emit("post_deleted", actor=user, programme=activity.programme_id,
         group=discussion.group_id, obj=post,
         data={**_event_data(activity, discussion, post), "discussion": whole})
    try:
        db.session.commit()
    except StaleDataError as err:
        db.session.rollback()
        raise EditConflict from err
    return whole


def set_flag(discussion: Discussion, flag: str, value: bool) -> None:
    """Pin or lock (or unpin, unlock) a discussion."""
    if flag not in ("pinned", "locked"):
        raise ValueError(flag)
    setattr(discussion, flag, value)
    db.session.commit()
