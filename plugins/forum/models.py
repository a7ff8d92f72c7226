"""Discussions, posts with their edit history and attachments, subscriptions,
read marks, mail preferences and the digest queue."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import column_property

from core.concurrency import Versioned
from core.extensions import db
from core.models.base import Timestamped, utcnow

# Qualified names: other plugins may have models of the same class name.
_Q = "plugins.forum.models."


class Discussion(Timestamped, db.Model):
    """A thread in a forum activity; in separate mode it belongs to one group."""

    __tablename__ = "forum_discussion"
    __table_args__ = (
        db.Index("ix_forum_discussion_listing", "activity_id", "group_id", "pinned",
                 "last_post_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id = db.Column(
        db.ForeignKey("mentoring_group.id", ondelete="CASCADE"), nullable=True, index=True
    )
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    pinned = db.Column(db.Boolean, nullable=False, default=False)
    locked = db.Column(db.Boolean, nullable=False, default=False)
    reply_count = db.Column(db.Integer, nullable=False, default=0)
    last_post_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_post_id = db.Column(db.Integer, nullable=True)
    last_author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    deleted_at = db.Column(db.DateTime, nullable=True)

    activity = db.relationship("Activity")
    group = db.relationship("MentoringGroup")
    author = db.relationship("User", foreign_keys=[author_id])
    last_author = db.relationship("User", foreign_keys=[last_author_id])


class Post(Versioned, Timestamped, db.Model):
    """A message in a discussion: markdown source and its sanitised HTML.

    ``version`` guards edits (optimistic locking); a deleted post keeps its row
    and shows as deleted.
    """

    __tablename__ = "forum_post"
    __table_args__ = (db.Index("ix_forum_post_discussion_id_id", "discussion_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    discussion_id = db.Column(
        db.ForeignKey("forum_discussion.id", ondelete="CASCADE"), nullable=False
    )
    parent_id = db.Column(db.ForeignKey("forum_post.id", ondelete="SET NULL"), nullable=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    body_source = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    edited_at = db.Column(db.DateTime, nullable=True)
    deleted_at = db.Column(db.DateTime, nullable=True)
    deleted_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    discussion = db.relationship(_Q + "Discussion")
    parent = db.relationship(_Q + "Post", remote_side=[id])
    author = db.relationship("User", foreign_keys=[author_id])
    attachments = db.relationship(
        _Q + "Attachment", back_populates="post", order_by=lambda: Attachment.position,
        cascade="all, delete-orphan",
    )


class Revision(db.Model):
    """The text of a post before one of its edits: the edit history."""

    __tablename__ = "forum_revision"

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.ForeignKey("forum_post.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    body_source = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=False)
    written_at = db.Column(db.DateTime, nullable=False)
    edited_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    edited_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    edited_by = db.relationship("User")


Post.edit_count = column_property(
    select(func.count(Revision.id)).where(Revision.post_id == Post.id)
    .correlate_except(Revision).scalar_subquery()
)


class Attachment(db.Model):
    """A stored file attached to a post."""

    __tablename__ = "forum_attachment"

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.ForeignKey("forum_post.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    stored_file_id = db.Column(db.ForeignKey("stored_file.id", ondelete="CASCADE"),
                               nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)

    post = db.relationship(_Q + "Post", back_populates="attachments")
    file = db.relationship("StoredFile", lazy="joined", innerjoin=True)


class Subscription(Timestamped, db.Model):
    """A user's choice about mail from a forum (no discussion) or one discussion.

    ``subscribed`` False records an opt-out, so that announcements forums (where
    everyone is subscribed by default) and forum-wide subscriptions can be refused.
    """

    __tablename__ = "forum_subscription"
    __table_args__ = (db.Index("ix_forum_subscription_target", "activity_id", "discussion_id"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False)
    discussion_id = db.Column(
        db.ForeignKey("forum_discussion.id", ondelete="CASCADE"), nullable=True
    )
    subscribed = db.Column(db.Boolean, nullable=False, default=True)

    user = db.relationship("User")
    discussion = db.relationship(_Q + "Discussion")


class ReadMark(db.Model):
    """The newest post of a discussion that a user has seen."""

    __tablename__ = "forum_read"

    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    discussion_id = db.Column(
        db.ForeignKey("forum_discussion.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_post_id = db.Column(db.Integer, nullable=False, default=0)


class Preference(db.Model):
    """A user's forum mail preference: each post at once, or one daily digest."""

    __tablename__ = "forum_preference"

    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    digest = db.Column(db.Boolean, nullable=False, default=False)


class DigestItem(Timestamped, db.Model):
    """A post waiting for a subscriber's next daily digest."""

    __tablename__ = "forum_digest_item"
    __table_args__ = (db.UniqueConstraint("user_id", "post_id"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    post_id = db.Column(db.ForeignKey("forum_post.id", ondelete="CASCADE"), nullable=False)
    reason = db.Column(db.String(16), nullable=False, default="forum")

    post = db.relationship(_Q + "Post")


MODELS = [Discussion, Post, Revision, Attachment, Subscription, ReadMark, Preference,
          DigestItem]
