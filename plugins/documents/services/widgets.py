"""What the plugin shows on other pages: dashboard widget, group page block, navigation."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam

from core.db_session import loaded
from core.declarations import NavItem, Widget
from core.extensions import db
from core.models import MentoringGroup
from core.permissions import can, group_ids, role_in, sees_all_groups
from plugins.documents.services.checklist import states, templates_of

WIDGET_GROUPS = 8


def nav(programme: Any, user: Any) -> list[NavItem]:
    """A "Documents" link to the guide for members who may see documents."""
    if not can(user, "documents.view", programme):
        return []
    return [NavItem(_l("Documents"), url_for("documents.guide", programme_id=programme.id), 40)]


@cache
def _groups_statement(restricted: bool) -> Any:
    """A programme's groups by name, or only some of them (built once per process)."""
    stmt = db.select(MentoringGroup).where(MentoringGroup.programme_id == bindparam("pid"))
    if restricted:
        stmt = stmt.where(MentoringGroup.id.in_(bindparam("ids", expanding=True)))
    return stmt.order_by(MentoringGroup.name)


def _groups(programme_id: int, user: Any) -> list[MentoringGroup]:
    params: dict[str, Any] = {"pid": programme_id}
    restricted = not sees_all_groups(user, programme_id)
    if restricted:
        ids = group_ids(user, programme_id)
        # the dashboard has loaded the user's own groups already: no statement then
        known = [loaded(MentoringGroup, gid, "name") for gid in ids]
        if all(grp is not None for grp in known):
            return sorted(known, key=lambda grp: grp.name)
        params["ids"] = list(ids) or [-1]
    return list(db.session.execute(_groups_statement(restricted), params).scalars())


def dashboard(programme: Any, user: Any) -> list[Widget]:
    """A "Missing documents" widget listing what the user's groups still lack.

    Mentees see only what they fill in themselves; nothing is shown when
    nothing is missing.
    """
    role = role_in(user, programme.id)
    if role is None or not can(user, "documents.view", programme):
        return []
    templates = templates_of(programme.id, mandatory_only=True)
    mentee = role == "mentee"
    if mentee:
        templates = [t for t in templates if t.filled_by == "mentee"]
    if not templates:
        return []
    groups = _groups(programme.id, user)
    table = states(programme.id, [g.id for g in groups], templates)
    entries = []
    for group in groups:
        texts = [t for t in (i.missing_text() for i in table[group.id]) if t]
        if texts:
            entries.append((group, texts))
    if not entries:
        return []
    html = render_template(
        "documents/_widget.html", entries=entries[:WIDGET_GROUPS], programme=programme,
        more=max(0, len(entries) - WIDGET_GROUPS), mentee=mentee,
        overview=can(user, "documents.overview", programme),
    )
    return [Widget(_l("Missing documents"), Markup(html), order=40)]


def group_block(group: Any, user: Any) -> Markup | None:
    """The group page's summary of mandatory documents, with a link to the checklist."""
    if not can(user, "documents.view", group.programme_id, group):
        return None
    templates = templates_of(group.programme_id, mandatory_only=True)
    if not templates:
        return None
    items = states(group.programme_id, [group.id], templates)[group.id]
    missing = [t for t in (i.missing_text() for i in items) if t]
    return Markup(render_template(
        "documents/_group_slot.html", group=group, total=len(items),
        done=sum(1 for i in items if i.complete), missing=missing,
    ))
