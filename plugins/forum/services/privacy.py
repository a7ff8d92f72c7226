"""What the forum keeps about a person: export and erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from core.declarations import UserData
from core.extensions import db
from core.models import StoredFile
from plugins.forum.models import (
    Attachment,
    DigestItem,
    Discussion,
    Post,
    Preference,
    ReadMark,
    Revision,
    Subscription,
)


def export(user: Any) -> UserData | None:
    """Discussions started, posts with their earlier versions, subscriptions, the mail
    preference and the files the user attached."""
    posts = db.session.scalars(
        db.select(Post).where(Post.author_id == user.id)
        .options(joinedload(Post.discussion)).order_by(Post.id)
    ).all()
    revisions = db.session.scalars(
        db.select(Revision).join(Post, Post.id == Revision.post_id)
        .where(Post.author_id == user.id).order_by(Revision.id)
    ).all()
    started = db.session.scalars(
        db.select(Discussion).where(Discussion.author_id == user.id).order_by(Discussion.id)
    ).all()
    subscriptions = db.session.scalars(
        db.select(Subscription).where(Subscription.user_id == user.id)
    ).all()
    pref = db.session.get(Preference, user.id)
    files = db.session.scalars(
        db.select(StoredFile).join(Attachment, Attachment.stored_file_id == StoredFile.id)
        .join(Post, Post.id == Attachment.post_id).where(Post.author_id == user.id)
    ).all()
    if not (posts or started or subscriptions or pref):
        return None
    return UserData(
        plugin="forum",
        records={
            "discussions_started": [
                {"id": d.id, "title": d.title, "created_at": d.created_at.isoformat()}
                for d in started
            ],
            "posts": [
                {"id": p.id, "discussion": p.discussion.title, "text": p.body_source,
                 "created_at": p.created_at.isoformat(),
                 "edited_at": p.edited_at.isoformat() if p.edited_at else None,
                 "deleted": p.deleted_at is not None}
                for p in posts
            ],
            "earlier_versions": [
                {"post_id": r.post_id, "text": r.body_source,
                 "written_at": r.written_at.isoformat()}
                for r in revisions
            ],
            "subscriptions": [
                {"forum_activity_id": s.activity_id, "discussion_id": s.discussion_id,
                 "subscribed": s.subscribed}
                for s in subscriptions
            ],
            "daily_digest": bool(pref and pref.digest),
        },
        files=list(files),
    )


def erase(user: Any) -> None:
    """Drop subscriptions, read marks, preference and queued digests; posts stay and
    show the author as "deleted user" (the core anonymises the account)."""
    for model in (Subscription, ReadMark, DigestItem):
        db.session.execute(db.delete(model).where(model.user_id == user.id))
    db.session.execute(db.delete(Preference).where(Preference.user_id == user.id))
