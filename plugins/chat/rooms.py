"""Chat rooms: which space of a chat activity a user is in, and whether they may be."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import current_user
from werkzeug.exceptions import HTTPException

from core.activities import activity_or_404, check_group_access
from core.extensions import db
from core.models import Activity, MentoringGroup
from core.permissions import can
from core.routing import db_int

ACTIVITY_TYPE = "chat.room"


@dataclass(frozen=True)
class Room:
    """One chat space: a shared chat activity, or one group's space in a separate one."""

    activity: Activity
    group: MentoringGroup | None

    @property
    def key(self) -> str:
        """The room's name in Socket.IO, presence and the ``chat_message.room`` column."""
        return room_key(self.activity.id, self.group.id if self.group else None)

    @property
    def programme_id(self) -> int:
        return self.activity.programme_id

    @property
    def group_id(self) -> int | None:
        return self.group.id if self.group else None

    def allows(self, capability: str, user: Any = None) -> bool:
        """True when ``user`` (default: the current user) holds ``capability`` here."""
        return can(user or current_user, capability, self.programme_id, self.group)

    def url_args(self) -> dict[str, int]:
        """Keyword arguments for ``url_for`` naming this room."""
        args = {"activity_id": self.activity.id}
        if self.group is not None:
            args["group"] = self.group.id
        return args


def room_key(activity_id: int, group_id: int | None) -> str:
    """``a<activity>`` for shared rooms, ``a<activity>g<group>`` for a group's space."""
    return f"a{activity_id}" if group_id is None else f"a{activity_id}g{group_id}"


def resolve(activity_id: Any, group_id: Any, capability: str) -> Room | None:
    """The room the current user asks for, or None when it does not exist or they
    may not use ``capability`` there (hidden or disabled activity, a group that is
    not theirs, a shared activity asked for with a group…)."""
    try:
        activity_id = db_int(activity_id)
        group_id = None if group_id in (None, "") else db_int(group_id)
    except (TypeError, ValueError):
        return None
    try:
        activity = activity_or_404(activity_id, ACTIVITY_TYPE)
        check_group_access(activity, group_id)
    except HTTPException:
        return None
    group = db.session.get(MentoringGroup, group_id) if group_id is not None else None
    room = Room(activity, group)
    return room if room.allows(capability) else None
