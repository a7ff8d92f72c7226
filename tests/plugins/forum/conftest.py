"""Fixtures for the forum tests: forums in both group modes and a helper to post."""

from __future__ import annotations

import io
from typing import Any

import pytest

from core.extensions import db
from plugins.forum.models import Discussion, Post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def shared(world, make):
    """A shared discussion forum."""
    return make.activity(world["programme"], "forum", plugin="forum", title="Open forum")


@pytest.fixture
def separate(world, make):
    """A discussion forum separate per mentoring group."""
    return make.activity(world["programme"], "forum", plugin="forum", title="Group forum",
                         group_mode="separate")


@pytest.fixture
def news(world, make):
    """A shared announcements forum."""
    return make.activity(world["programme"], "forum.announcements", plugin="forum",
                         title="News")


def upload(name: str, data: bytes) -> tuple[io.BytesIO, str]:
    """A file for a multipart form."""
    return (io.BytesIO(data), name)


def start(client: Any, activity: Any, title: str = "Hello", body: str = "First post",
          group: Any = None, files: list | None = None, status: int = 302) -> Discussion:
    """Start a discussion through the form; returns the newest discussion."""
    url = f"/forum/{activity.id}/new" + (f"?group={group.id}" if group else "")
    data: dict[str, Any] = {"title": title, "body": body, "action": "post"}
    if files:
        data["attachments"] = files
    resp = client.post(url, data=data, content_type="multipart/form-data")
    assert resp.status_code == status, resp.get_data(as_text=True)[:800]
    return db.session.scalar(db.select(Discussion).order_by(Discussion.id.desc()))


def reply(client: Any, activity: Any, discussion: Any, body: str = "A reply",
          files: list | None = None, parent: Any = None, status: int = 302) -> Any:
    """Reply through the form; returns the response."""
    data: dict[str, Any] = {"body": body, "action": "post"}
    if files:
        data["attachments"] = files
    if parent is not None:
        data["parent"] = str(parent.id)
    resp = client.post(f"/forum/{activity.id}/d/{discussion.id}/reply", data=data,
                       content_type="multipart/form-data")
    assert resp.status_code == status, resp.get_data(as_text=True)[:800]
    return resp


def posts_of(discussion: Any) -> list[Post]:
    """The discussion's posts, oldest first, fresh from the database."""
    db.session.expire_all()
    return db.session.scalars(db.select(Post).where(Post.discussion_id == discussion.id)
                              .order_by(Post.id)).all()
