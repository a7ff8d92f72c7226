"""Who is subscribed to what, mail preferences and the list of recipients of a post."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, or_

from core.extensions import db
from core.models import Activity, GroupMember, Membership, User
from core.permissions import capability
from core.plugins import registry
from plugins.forum.models import Discussion, Preference, Subscription

FORUM = "forum"
DISCUSSION = "discussion"


def default_forum_subscription(activity: Activity) -> bool:
    """Announcements forums subscribe everyone until they opt out; others nobody."""
    return activity.type == "forum.announcements"


def set_subscription(user_id: int, activity_id: int, discussion_id: int | None,
                     subscribed: bool) -> None:
    """Record a subscription (or an opt-out) to a forum or one of its discussions;
    the caller commits."""
    row = db.session.scalar(db.select(Subscription).where(
        Subscription.user_id == user_id, Subscription.activity_id == activity_id,
        Subscription.discussion_id.is_(None) if discussion_id is None
        else Subscription.discussion_id == discussion_id,
    ))
    if row is None:
        row = Subscription(user_id=user_id, activity_id=activity_id,
                           discussion_id=discussion_id)
        db.session.add(row)
    row.subscribed = subscribed


@dataclass(frozen=True)
class State:
    """A user's subscription state on a forum page or discussion page."""

    forum: bool
    discussion: bool | None = None

    @property
    def receives(self) -> bool:
        """Whether new posts of the discussion reach the user by mail."""
        if self.discussion is not None:
            return self.discussion
        return self.forum


@cache
def _state_statement() -> Any:
    return db.select(Subscription.discussion_id, Subscription.subscribed).where(
        Subscription.user_id == bindparam("uid"), Subscription.activity_id == bindparam("aid"),
        or_(Subscription.discussion_id.is_(None),
            Subscription.discussion_id == bindparam("did")))


def state(user: Any, activity: Activity, discussion: Discussion | None = None) -> State:
    """Whether ``user`` is subscribed to the forum and (explicitly) to the discussion."""
    rows = db.session.execute(_state_statement(), {
        "uid": user.id, "aid": activity.id, "did": discussion.id if discussion else -1}).all()
    forum = default_forum_subscription(activity)
    disc = None
    for did, subscribed in rows:
        if did is None:
            forum = subscribed
        else:
            disc = subscribed
    return State(forum=forum, discussion=disc)


def wants_digest(user_id: int) -> bool:
    """The user's mail preference: True for one daily digest."""
    return bool(db.session.scalar(db.select(Preference.digest)
                                  .where(Preference.user_id == user_id)))


def set_digest(user_id: int, digest: bool) -> None:
    """Store the mail preference; the caller commits."""
    pref = db.session.get(Preference, user_id)
    if pref is None:
        pref = Preference(user_id=user_id)
        db.session.add(pref)
    pref.digest = digest


def readers(activity: Activity, group_id: int | None) -> dict[int, User]:
    """Active users who may read a discussion of ``activity`` posted to ``group_id``."""
    if not registry().is_enabled(activity.programme_id, FORUM):
        return {}
    roles = capability("forum.view").roles
    rows = db.session.execute(
        db.select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == activity.programme_id, User.active.is_(True),
               User.erased.is_(False))
    ).all()
    in_group: set[int] | None = None
    if activity.separate and group_id is not None:
        in_group = set(db.session.scalars(
            db.select(GroupMember.user_id).where(GroupMember.group_id == group_id)))
    found = {}
    for user, role in rows:
        if role not in roles:
            continue
        if in_group is not None and role != "manager" and user.id not in in_group:
            continue
        found[user.id] = user
    return found


def recipients(activity: Activity, discussion: Discussion) -> list[tuple[User, str]]:
    """Who gets a new post of ``discussion`` by mail, with the reason (``forum`` or
    ``discussion``) that the unsubscribe link undoes."""
    rows = db.session.execute(
        db.select(Subscription.user_id, Subscription.discussion_id, Subscription.subscribed)
        .where(Subscription.activity_id == activity.id,
               or_(Subscription.discussion_id.is_(None),
                   Subscription.discussion_id == discussion.id))
    ).all()
    forum_choice: dict[int, bool] = {}
    discussion_choice: dict[int, bool] = {}
    for uid, did, subscribed in rows:
        (forum_choice if did is None else discussion_choice)[uid] = subscribed
    default = default_forum_subscription(activity)
    out = []
    for uid, user in readers(activity, discussion.group_id).items():
        if discussion_choice.get(uid) is True:
            out.append((user, DISCUSSION))
        elif discussion_choice.get(uid) is None and forum_choice.get(uid, default):
            out.append((user, FORUM))
    return out
