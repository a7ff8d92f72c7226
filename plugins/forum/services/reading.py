"""Listing discussions and posts without N+1 queries, and per-user unread marks."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app, g, url_for
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy import bindparam, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.models import Activity
from core.permissions import can, visible_group_ids
from core.views.helpers import paginate
from plugins.forum.models import Discussion, Post, ReadMark


def posts_per_page() -> int:
    """Posts shown on one page of a discussion."""
    return int(current_app.config.get("FORUM_POSTS_PER_PAGE", 200))


def group_filter(activity: Activity, group_id: int | None) -> Any:
    """The condition selecting discussions shown in a group's space of the forum."""
    if not activity.separate:
        return db.true()
    return or_(Discussion.group_id == group_id, Discussion.group_id.is_(None))


def discussions_page(activity: Activity, group_id: int | None) -> Any:
    """One page of the forum's discussions: pinned first, then the latest activity."""
    stmt = (
        db.select(Discussion)
        .where(Discussion.activity_id == activity.id, Discussion.deleted_at.is_(None),
               group_filter(activity, group_id))
        .options(joinedload(Discussion.author), joinedload(Discussion.last_author))
        .order_by(Discussion.pinned.desc(), Discussion.last_post_at.desc(),
                  Discussion.id.desc())
    )
    return paginate(stmt)


def unread_counts(user: Any, discussion_ids: list[int]) -> dict[int, int]:
    """Posts by others that ``user`` has not seen, per discussion."""
    if not discussion_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(_unread_counts_statement(), {
        "uid": user.id, "ids": list(discussion_ids)}).all()
    return dict(rows)


def _unread_in(discussion: Any) -> Any:
    """The number of posts by others after the reader's (``uid``) mark in one
    discussion, as a scalar subquery correlated to ``discussion``: the database counts
    each discussion's unread posts on the index on discussion and id, never scanning
    the whole post table."""
    # correlated explicitly: ``discussion`` is two levels up, beyond auto-correlation,
    # which would otherwise add it to this subquery's FROM (one mark per discussion)
    mark = (db.select(ReadMark.last_post_id)
            .where(ReadMark.discussion_id == discussion.c.id,
                   ReadMark.user_id == bindparam("uid"))
            .correlate(discussion)
            .scalar_subquery())
    return (db.select(func.count(Post.id))
            .where(Post.discussion_id == discussion.c.id,
                   Post.id > func.coalesce(mark, 0), Post.deleted_at.is_(None),
                   or_(Post.author_id.is_(None), Post.author_id != bindparam("uid")))
            .scalar_subquery())


@cache
def _unread_counts_statement() -> Any:
    """Unread posts per discussion for some discussions (built once per process)."""
    shown = (db.select(Discussion.id)
             .where(Discussion.id.in_(bindparam("ids", expanding=True)))
             .subquery("shown"))
    per_discussion = db.select(shown.c.id, _unread_in(shown).label("n")).subquery()
    return db.select(per_discussion.c.id, per_discussion.c.n).where(per_discussion.c.n > 0)


def last_read(user: Any, discussion_id: int) -> int:
    """The newest post id of the discussion that ``user`` has seen (0 if none)."""
    mark = db.session.get(ReadMark, (user.id, discussion_id))
    return mark.last_post_id if mark else 0


def mark_read(user: Any, discussion_id: int, post_id: int, seen: int) -> None:
    """Remember that ``user`` has seen the discussion up to ``post_id`` (``seen`` is the
    mark read earlier in the request); writes only when the mark moves forward."""
    if post_id <= seen:
        return
    mark = db.session.get(ReadMark, (user.id, discussion_id))
    try:
        if mark is None:
            db.session.add(ReadMark(user_id=user.id, discussion_id=discussion_id,
                                    last_post_id=post_id))
        elif mark.last_post_id < post_id:
            mark.last_post_id = post_id
        db.session.commit()
    except IntegrityError:  # a parallel request of the same user wrote it first
        db.session.rollback()


def mark_forum_read(user: Any, activity: Activity, group_id: int | None) -> None:
    """Mark every discussion of the forum's space as read by ``user``."""
    rows = db.session.execute(
        db.select(Discussion.id, Discussion.last_post_id)
        .where(Discussion.activity_id == activity.id, Discussion.deleted_at.is_(None),
               Discussion.last_post_id.is_not(None), group_filter(activity, group_id))
    ).all()
    marks = {m.discussion_id: m for m in db.session.scalars(
        db.select(ReadMark).where(ReadMark.user_id == user.id,
                                  ReadMark.discussion_id.in_([r[0] for r in rows] or [-1])))}
    for did, last in rows:
        if did in marks:
            marks[did].last_post_id = max(marks[did].last_post_id, last)
        else:
            db.session.add(ReadMark(user_id=user.id, discussion_id=did, last_post_id=last))
    db.session.commit()


@cache
def _unread_statement(restricted: bool) -> Any:
    """Unread posts per forum of a programme; built once, as building costs more than
    running it. ``restricted`` adds the user's groups for separate forums."""
    shown = (db.select(Discussion.id, Discussion.activity_id)
             .join(Activity, Activity.id == Discussion.activity_id)
             .where(Discussion.programme_id == bindparam("pid"),
                    Discussion.deleted_at.is_(None)))
    if restricted:
        shown = shown.where(or_(Activity.group_mode != "separate", Discussion.group_id.is_(None),
                                Discussion.group_id.in_(bindparam("groups", expanding=True))))
    shown = shown.subquery("shown")
    per_discussion = db.select(shown.c.activity_id, _unread_in(shown).label("n")).subquery()
    return (db.select(per_discussion.c.activity_id, func.sum(per_discussion.c.n))
            .where(per_discussion.c.n > 0)
            .group_by(per_discussion.c.activity_id))


def _unread_per_forum(user: Any, programme_id: int) -> dict[int, int]:
    """Unread posts per forum activity of a programme, in one query per request."""
    cache = g.setdefault("_forum_unread", {})
    if programme_id not in cache:
        visible = visible_group_ids(user, programme_id)
        params = {"uid": user.id, "pid": programme_id}
        if visible is not None:
            params["groups"] = list(visible) or [-1]
        rows = db.session.execute(_unread_statement(visible is not None), params).all()
        cache[programme_id] = dict(rows)
    return cache[programme_id]


def course_footer(activity: Activity, user: Any) -> Markup | None:
    """A link saying how many posts in the forum the user has not read."""
    if not can(user, "forum.view", activity.programme_id):
        return None
    n = _unread_per_forum(user, activity.programme_id).get(activity.id, 0)
    if not n:
        return None
    text = ngettext("%(num)d unread post", "%(num)d unread posts", n)
    url = url_for("forum.view", activity_id=activity.id)
    return Markup('<p class="meta forum-unread"><a href="{}">{}</a></p>').format(
        url, escape(text))
