"""Helpers plugins use to load activities and decide which group space a user is in."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_login import current_user

from core.extensions import db
from core.models import Activity, MentoringGroup
from core.permissions import can, require, visible_group_ids
from core.plugins import registry


def activity_or_404(activity_id: int, type_name: str | None = None,
                    capability: str | None = None) -> Activity:
    """Load an activity a plugin's view is about, checking type, visibility and,
    when given, a capability in its programme. Anything refused answers 404."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or (type_name and activity.type != type_name):
        abort(404)
    if not registry().is_enabled(activity.programme_id, activity.plugin):
        abort(404)
    if not activity.visible and not can(current_user, "core.manage_course", activity.programme_id):
        abort(404)
    if capability:
        require(capability, activity.programme_id, hide=True)
    return activity


def groups_for(activity: Activity, user: Any = None) -> list[MentoringGroup]:
    """The mentoring groups whose space in a separate-mode activity ``user`` may enter."""
    user = user or current_user
    visible = visible_group_ids(user, activity.programme_id)
    stmt = db.select(MentoringGroup).where(MentoringGroup.programme_id == activity.programme_id)
    if visible is not None:
        if not visible:
            return []
        stmt = stmt.where(MentoringGroup.id.in_(visible))
    return list(db.session.execute(stmt.order_by(MentoringGroup.name)).scalars())


def current_group(activity: Activity, user: Any = None) -> MentoringGroup | None:
    """The group space being viewed: None for shared activities; for separate ones
    the ``group`` query argument if allowed, else the user's first group.

    A user asking for a group they may not enter gets 404.
    """
    if not activity.separate:
        return None
    groups = groups_for(activity, user)
    wanted = request.args.get("group", type=int) or request.form.get("group", type=int)
    if wanted is not None:
        for g in groups:
            if g.id == wanted:
                return g
        abort(404)
    return groups[0] if groups else None


def check_group_access(activity: Activity, group_id: int | None, user: Any = None) -> None:
    """404 unless ``user`` may enter ``group_id``'s space in this activity.

    Shared activities have no group spaces (``group_id`` must be None).
    """
    user = user or current_user
    if not activity.separate:
        if group_id is not None:
            abort(404)
        return
    if group_id is None:
        abort(404)
    visible = visible_group_ids(user, activity.programme_id)
    if visible is not None and group_id not in visible:
        abort(404)
    group = db.session.get(MentoringGroup, group_id)
    if group is None or group.programme_id != activity.programme_id:
        abort(404)
