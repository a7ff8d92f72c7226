"""What the chat adds to group pages and how it reacts to a member leaving a group."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from core.extensions import db
from core.models import Activity
from core.plugins import registry
from plugins.chat.live import disconnect
from plugins.chat.presence import presence
from plugins.chat.rooms import ACTIVITY_TYPE, Room, room_key


def _separate_chats(programme_id: int) -> list[Activity]:
    return list(db.session.execute(
        db.select(Activity).where(Activity.programme_id == programme_id,
                                  Activity.type == ACTIVITY_TYPE,
                                  Activity.group_mode == "separate")
        .order_by(Activity.position, Activity.id)
    ).scalars())


def group_links(group: Any, user: Any) -> Markup | None:
    """Links to the group's space in each separate chat room the user may open."""
    if not registry().is_enabled(group.programme_id, "chat"):
        return None
    rooms = [Room(a, group) for a in _separate_chats(group.programme_id)
             if a.visible and Room(a, group).allows("chat.view", user)]
    if not rooms:
        return None
    return Markup(render_template("chat/_group_links.html", rooms=rooms))


def kick(user_id: int, group_id: int) -> None:
    """End the user's connections to the group's chat spaces (on any process)."""
    from core.models import MentoringGroup

    group = db.session.get(MentoringGroup, group_id)
    if group is None:
        return
    for activity in _separate_chats(group.programme_id):
        for sid in presence.sids(room_key(activity.id, group_id), user_id):
            disconnect(sid)
