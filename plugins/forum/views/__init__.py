"""The forum's blueprint; importing this package registers every route."""

from __future__ import annotations

from plugins.forum.views import discussion, forum, posts, unsubscribe  # noqa: F401, E402
from plugins.forum.views.common import bp

__all__ = ["bp"]
