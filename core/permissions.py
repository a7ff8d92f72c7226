"""Capabilities and the one place where permission is decided.

``can(user, capability, programme, group)`` answers every question; views use
``capability_required`` (or ``public`` for the few pages anyone may open) and
call ``require`` for objects they load themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from core.db_session import loaded
from core.declarations import Capability
from core.extensions import db
from core.plugins import registry
from core.securitylog import security_event


def capability(name: str) -> Capability:
    """Return the declared capability; an undeclared name is a programming error."""
    try:
        return registry().capabilities[name]
    except KeyError:
        raise LookupError(f"capability {name!r} is not declared by any plugin") from None


def _cache() -> dict:
    return g.setdefault("_perm_cache", {})


def role_in(user: Any, programme_id: int | None) -> str | None:
    """The user's role in a programme (manager, mentor, mentee) or None."""
    if programme_id is None or not getattr(user, "is_authenticated", False):
        return None
    from core.models import Membership

    key = ("roles", user.id)
    cache = _cache()
    if key not in cache:  # one query for all the user's programmes
        cache[key] = dict(db.session.execute(
            db.select(Membership.programme_id, Membership.role).where(
                Membership.user_id == user.id)
        ).all())
    return cache[key].get(programme_id)


def access_columns() -> tuple[Any, Any]:
    """Two scalar subqueries, correlated to ``User.id``, that read a user's roles and
    mentoring groups along with the user row (see ``remember_access``)."""
    from sqlalchemy import String, cast, func

    from core.models import GroupMember, Membership, MentoringGroup, User

    roles = db.select(func.aggregate_strings(
        cast(Membership.programme_id, String) + ":" + Membership.role, ",")
    ).where(Membership.user_id == User.id).scalar_subquery()
    groups = db.select(func.aggregate_strings(
        cast(GroupMember.group_id, String) + ":" + cast(MentoringGroup.programme_id, String),
        ",")
    ).join(MentoringGroup, MentoringGroup.id == GroupMember.group_id).where(
        GroupMember.user_id == User.id).scalar_subquery()
    return roles, groups


def _pairs(text: str | None) -> list[tuple[int, str]]:
    pairs = []
    for item in (text or "").split(","):
        key, _, value = item.partition(":")
        if key:
            pairs.append((int(key), value))
    return pairs


def remember_access(user_id: int, roles: str | None, groups: str | None) -> None:
    """Fill this request's permission cache from the columns of ``access_columns``
    (``"programme:role,…"`` and ``"group:programme,…"``), so that ``role_in`` and
    ``group_ids`` need no statement of their own."""
    cache = _cache()
    cache[("roles", user_id)] = dict(_pairs(roles))
    by_programme: dict[int, set[int]] = {}
    for group_id, programme_id in _pairs(groups):
        by_programme.setdefault(int(programme_id), set()).add(group_id)
    cache[("all_groups", user_id)] = {pid: frozenset(ids) for pid, ids in by_programme.items()}


def group_ids(user: Any, programme_id: int) -> frozenset[int]:
    """Ids of the user's mentoring groups in a programme."""
    from core.models import GroupMember, MentoringGroup

    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = _cache()
    known = cache.get(("all_groups", user.id))
    if known is not None:
        return known.get(programme_id, frozenset())
    key = ("groups", user.id, programme_id)
    if key not in cache:
        cache[key] = frozenset(
            db.session.execute(
                db.select(GroupMember.group_id)
                .join(MentoringGroup, MentoringGroup.id == GroupMember.group_id)
                .where(GroupMember.user_id == user.id, MentoringGroup.programme_id == programme_id)
            ).scalars()
        )
    return cache[key]


def sees_all_groups(user: Any, programme_id: int) -> bool:
    """True for site admins and the programme's managers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_site_admin) or role_in(user, programme_id) == "manager"


def visible_group_ids(user: Any, programme_id: int) -> frozenset[int] | None:
    """Groups whose separate spaces the user may see: None means all of them."""
    if sees_all_groups(user, programme_id):
        return None
    return group_ids(user, programme_id)


def _pid(obj: Any) -> int | None:
    return getattr(obj, "id", obj) if obj is not None else None


def _programme_open(programme: Any, programme_id: int) -> bool:
    """True while the programme is active and its end date has not passed."""
    if getattr(programme, "status", None) is None:
        # an id: the row if this request has it loaded, else one cached query
        from core.models import Programme

        row = loaded(Programme, programme_id, "status", "ends_on")
        if row is not None:
            return _open(row.status, row.ends_on)
        key = ("programme_open", programme_id)
        cache = _cache()
        if key not in cache:
            row = db.session.execute(
                db.select(Programme.status, Programme.ends_on).where(Programme.id == programme_id)
            ).first()
            cache[key] = row is not None and _open(row.status, row.ends_on)
        return cache[key]
    return _open(programme.status, programme.ends_on)


def _open(status: str, ends_on: date | None) -> bool:
    if status != "active":
        return False
    if ends_on is None:
        return True
    from core.sessions.blueprint import local_now  # the site's date, as sessions use

    return ends_on >= local_now().date()


def _read_only(programme: Any, programme_id: int, group: Any) -> bool:
    """Whether writing is closed to mentors and mentees: the group is completed or
    closed, or the programme is no longer running."""
    if group is not None:
        if getattr(group, "status", None) is None:
            from core.models import MentoringGroup

            group = db.session.get(MentoringGroup, group)
        if group is not None and group.read_only:
            return True
    return not _programme_open(programme, programme_id)


def can(user: Any, cap_name: str, programme: Any = None, group: Any = None, *,
        as_reader: bool = False) -> bool:
    """Decide whether ``user`` holds ``cap_name`` in ``programme`` / ``group``.

    ``programme`` and ``group`` may be model objects or ids. Site admins hold
    every capability. A plugin disabled in the programme grants nothing there.
    A capability that ``writes`` is refused to mentors and mentees in a
    completed or closed group and in a programme that has ended (not active, or
    past its end date); they keep reading. Managers keep writing. Pass
    ``as_reader=True`` where a write capability only tells who sees more (staff
    views of a group): the life-cycle rule is then left out.
    """
    cap = capability(cap_name)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_site_admin:
        return True
    if cap.scope == "user":
        return True
    if cap.scope == "site":
        return False
    if group is not None and programme is None:
        programme = getattr(group, "programme_id", None)
        if programme is None:
            from core.models import MentoringGroup

            grp = db.session.get(MentoringGroup, group)
            programme = grp.programme_id if grp else None
            group = grp if grp is not None else group
    programme_id = _pid(programme)
    if programme_id is None:
        return False
    if not registry().is_enabled(programme_id, cap.plugin):
        return False
    role = role_in(user, programme_id)
    if role is None or role not in cap.roles:
        return False
    if cap.scope == "group" and group is not None:
        if getattr(group, "programme_id", programme_id) != programme_id:
            return False
        if role != "manager" and _pid(group) not in group_ids(user, programme_id):
            return False
    if cap.writes and not as_reader and role != "manager" \
            and _read_only(programme, programme_id, group):
        return False
    return True


def require(cap_name: str, programme: Any = None, group: Any = None, *, hide: bool = False) -> None:
    """Abort unless ``can``: 401 via login redirect, 404 when ``hide``, otherwise 403."""
    if can(current_user, cap_name, programme, group):
        return
    if not current_user.is_authenticated:
        abort(redirect(url_for("auth.login", next=request.full_path)))
    status = 404 if hide else 403
    security_event("permission.denied", "denied", capability=cap_name,
                   programme=_pid(programme), group=_pid(group), status=status)
    abort(status)


def _context_from_view_args(view_args: dict[str, Any]) -> tuple[Any, Any]:
    from core.models import Activity, MentoringGroup, Programme

    programme = group = None
    if "group_id" in view_args:
        group = db.session.get(MentoringGroup, view_args["group_id"]) or abort(404)
        programme = group.programme_id
    if "activity_id" in view_args:
        activity = db.session.get(Activity, view_args["activity_id"]) or abort(404)
        programme = activity.programme_id
    if "programme_id" in view_args:
        # a membership proves the programme exists: no query for members
        known = role_in(current_user, view_args["programme_id"]) is not None
        if not known and db.session.get(Programme, view_args["programme_id"]) is None:
            abort(404)
        if programme is not None and programme != view_args["programme_id"]:
            abort(404)
        programme = view_args["programme_id"]
    return programme, group


def capability_required(cap_name: str, *, hide: bool = True) -> Callable:
    """View decorator: check ``cap_name`` in the programme, activity or group named
    by the URL (``programme_id``, ``activity_id``, ``group_id``).

    Refusals inside a programme answer 404 by default so that nothing about
    other people's objects leaks; pass ``hide=False`` for a 403.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            programme, group = _context_from_view_args(kwargs)
            cap = capability(cap_name)
            require(cap_name, programme, group, hide=hide and cap.scope not in ("user", "site"))
            return view(*args, **kwargs)

        wrapped.capability = cap_name  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark a view that anyone may open (login, password reset, feeds with tokens)."""
    view.public = True  # type: ignore[attr-defined]
    return view
