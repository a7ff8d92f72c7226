"""What the plugin shows on other pages: dashboard widget, group page block, navigation."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import or_

from core.db_session import loaded
from core.declarations import NavItem, Widget
from core.extensions import db
from core.models import MentoringGroup
from core.permissions import can, group_ids, role_in, sees_all_groups
from plugins.documents.services.checklist import states, states_in, templates_in, templates_of

WIDGET_GROUPS = 8


def nav(programme: Any, user: Any) -> list[NavItem]:
    """A "Documents" link to the guide for members who may see documents."""
    if not can(user, "documents.view", programme):
        return []
    return [NavItem(_l("Documents"), url_for("documents.guide", programme_id=programme.id), 40)]


def _groups(programmes: list[Any], user: Any) -> dict[int, list[MentoringGroup]]:
    """The groups whose documents the user follows, by name, per programme: all of a
    programme's groups for those who see them all, else their own (one query at most;
    none when the dashboard has loaded the user's own groups already)."""
    every = [p.id for p in programmes if sees_all_groups(user, p.id)]
    own = [gid for p in programmes if p.id not in every for gid in group_ids(user, p.id)]
    known = [loaded(MentoringGroup, gid, "name", "programme_id") for gid in own]
    found = [grp for grp in known if grp is not None]
    if every or len(found) < len(own):
        found = list(db.session.scalars(db.select(MentoringGroup).where(or_(
            MentoringGroup.programme_id.in_(every or [-1]),
            MentoringGroup.id.in_(own or [-1])))))
    out: dict[int, list[MentoringGroup]] = {p.id: [] for p in programmes}
    for grp in sorted(found, key=lambda grp: grp.name):
        out[grp.programme_id].append(grp)
    return out


def dashboard(programmes: list[Any], user: Any) -> list[Widget]:
    """In each programme, a "Missing documents" widget listing what the user's groups
    still lack (the same queries for all programmes).

    Mentees see only what they fill in themselves; nothing is shown when
    nothing is missing.
    """
    viewing = [p for p in programmes
               if role_in(user, p.id) is not None and can(user, "documents.view", p)]
    if not viewing:
        return []
    templates = templates_in([p.id for p in viewing], mandatory_only=True)
    mentee = {p.id: role_in(user, p.id) == "mentee" for p in viewing}
    for pid, ts in templates.items():
        if mentee[pid]:
            templates[pid] = [t for t in ts if t.filled_by == "mentee"]
    viewing = [p for p in viewing if templates[p.id]]
    groups = _groups(viewing, user) if viewing else {}
    table = states_in({g.id: templates[pid] for pid, gs in groups.items() for g in gs})
    out = []
    for programme in viewing:
        entries = []
        for group in groups[programme.id]:
            texts = [t for t in (i.missing_text() for i in table[group.id]) if t]
            if texts:
                entries.append((group, texts))
        if not entries:
            continue
        html = render_template(
            "documents/_widget.html", entries=entries[:WIDGET_GROUPS], programme=programme,
            more=max(0, len(entries) - WIDGET_GROUPS), mentee=mentee[programme.id],
            overview=can(user, "documents.overview", programme),
        )
        out.append(Widget(_l("Missing documents"), Markup(html), order=40, programme=programme))
    return out


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
