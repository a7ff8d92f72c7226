"""Loading forums, discussions and posts for the current user, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.activities import activity_or_404, check_group_access
from core.extensions import db
from core.models import Activity, utcnow
from core.permissions import can
from core.plugins import setting
from plugins.forum.models import Attachment, Discussion, Post

GENERAL = "forum"
ANNOUNCEMENTS = "forum.announcements"
TYPES = (GENERAL, ANNOUNCEMENTS)


def forum_or_404(activity_id: int) -> Activity:
    """A forum activity the current user may open, or 404."""
    activity = activity_or_404(activity_id)
    if activity.type not in TYPES:
        abort(404)
    return activity


def is_announcements(activity: Activity) -> bool:
    """True for announcements forums (staff start discussions, everyone subscribed)."""
    return activity.type == ANNOUNCEMENTS


def may_enter(activity: Activity, group_id: int | None, user: Any = None) -> bool:
    """Whether ``user`` may see a discussion posted to ``group_id`` in this forum.

    In separate mode a discussion without a group (posted before the forum was
    split) is seen by everyone; with a group only by that group and managers.
    """
    from core.permissions import visible_group_ids

    user = user or current_user
    if not activity.separate or group_id is None:
        return True
    visible = visible_group_ids(user, activity.programme_id)
    return visible is None or group_id in visible


# a discussion comes with its group space and its forum's programme (which the pages
# show): one statement instead of three
_WITH_GROUP_AND_PROGRAMME = (joinedload(Discussion.group),
                             joinedload(Discussion.activity).joinedload(Activity.programme))


def discussion_or_404(activity: Activity, discussion_id: int) -> Discussion:
    """A discussion of this forum that the current user may see, or 404; its group and
    the forum's programme are loaded with it."""
    discussion = db.session.get(Discussion, discussion_id, options=_WITH_GROUP_AND_PROGRAMME)
    if discussion is None or discussion.activity_id != activity.id:
        abort(404)
    if activity.separate and discussion.group_id is not None:
        check_group_access(activity, discussion.group_id)  # finds the group loaded
    if discussion.deleted_at is not None and not sees_deleted(activity, discussion.group_id):
        abort(404)
    return discussion


def post_or_404(activity: Activity, post_id: int) -> Post:
    """A post of this forum in a discussion the current user may see, or 404."""
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    discussion_or_404(activity, post.discussion_id)
    return post


def may_read_file(user: Any, stored_file: Any) -> bool:
    """Whether ``user`` may download ``stored_file`` as a post's attachment: they may
    open the forum and see the discussion and the post (deleted ones: moderators)."""
    row = db.session.execute(
        db.select(Post, Discussion, Activity)
        .join(Attachment, Attachment.post_id == Post.id)
        .join(Discussion, Discussion.id == Post.discussion_id)
        .join(Activity, Activity.id == Discussion.activity_id)
        .where(Attachment.stored_file_id == stored_file.id).limit(1)
    ).first()
    if row is None:
        return False
    post, discussion, activity = row
    pid = activity.programme_id
    if activity.type not in TYPES or not can(user, "forum.view", pid):
        return False
    if not activity.visible and not can(user, "core.manage_course", pid):
        return False
    if not may_enter(activity, discussion.group_id, user):
        return False
    if post.deleted_at is not None or discussion.deleted_at is not None:
        return can(user, "forum.moderate", pid, discussion.group_id, as_reader=True)
    return True


def can_moderate(activity: Activity, group_id: int | None) -> bool:
    """Pin, lock, edit and delete any post (managers only, once the group or the
    programme has ended)."""
    return can(current_user, "forum.moderate", activity.programme_id, group_id)


def sees_deleted(activity: Activity, group_id: int | None) -> bool:
    """Moderators see deleted posts and discussions, also after the group has ended."""
    return can(current_user, "forum.moderate", activity.programme_id, group_id, as_reader=True)


def can_write(activity: Activity, group_id: int | None) -> bool:
    """Write in the forum at all (reply, edit one's own posts): not for mentors and
    mentees once their group or the programme has ended."""
    return can(current_user, "forum.reply", activity.programme_id, group_id)


def can_start(activity: Activity, group_id: int | None) -> bool:
    """Start a discussion: anyone in discussion forums, staff in announcements."""
    cap = "forum.announce" if is_announcements(activity) else "forum.start_discussion"
    return can(current_user, cap, activity.programme_id, group_id)


def can_reply(activity: Activity, discussion: Discussion) -> bool:
    """Reply: not in locked or deleted discussions."""
    if discussion.locked or discussion.deleted_at is not None:
        return False
    return can(current_user, "forum.reply", activity.programme_id, discussion.group_id)


def can_attach(activity: Activity, group_id: int | None) -> bool:
    """Attach files to one's posts."""
    return can(current_user, "forum.attach", activity.programme_id, group_id)


def edit_window(programme_id: int) -> timedelta:
    """How long authors may edit or delete their posts (read once per request)."""
    cache = g.setdefault("_forum_edit_window", {})
    if programme_id not in cache:
        minutes = int(setting(programme_id, "forum", "edit_minutes"))
        cache[programme_id] = timedelta(minutes=minutes)
    return cache[programme_id]


def edit_deadline(post: Post, programme_id: int) -> datetime:
    """Until when the author may edit or delete ``post``."""
    return post.created_at + edit_window(programme_id)


@dataclass(frozen=True)
class PostRights:
    """What the current user may do with one post."""

    edit: bool
    delete: bool
    history: bool


def post_rights(activity: Activity, group_id: int | None,
                posts: list[Post]) -> dict[int, PostRights]:
    """The rights of the current user on posts of one discussion (which they can see),
    decided with one capability check whatever the number of posts."""
    moderate = can_moderate(activity, group_id)
    oversee = moderate or sees_deleted(activity, group_id)
    writes = moderate or can_write(activity, group_id)
    me = current_user.id if current_user.is_authenticated else None
    window = edit_window(activity.programme_id)
    now = utcnow()
    rights = {}
    for post in posts:
        mine = me is not None and post.author_id == me
        editable = post.deleted_at is None and (
            moderate or (mine and writes and now < post.created_at + window))
        rights[post.id] = _RIGHTS[editable, mine or oversee]
    return rights


# the four possible answers, made once: a page of 200 posts shares them
_RIGHTS = {(e, h): PostRights(edit=e, delete=e, history=h)
           for e in (False, True) for h in (False, True)}


def _rights(activity: Activity, post: Post) -> PostRights:
    return post_rights(activity, post.discussion.group_id, [post])[post.id]


def can_edit(activity: Activity, post: Post) -> bool:
    """Authors inside the edit window, moderators at any time; never deleted posts,
    and no one but managers once the group or the programme has ended."""
    return _rights(activity, post).edit


def can_delete(activity: Activity, post: Post) -> bool:
    """Authors inside the edit window, moderators at any time."""
    return _rights(activity, post).delete


def can_see_history(activity: Activity, post: Post) -> bool:
    """The author and moderators see earlier versions of a post."""
    return _rights(activity, post).history
