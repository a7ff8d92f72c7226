"""Checklists: one group's documents against the templates, and the programme overview."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from core.extensions import db
from core.models import MentoringGroup, Programme
from core.permissions import can, capability_required
from core.views.helpers import get_or_404
from plugins.documents.services.checklist import states, templates_of
from plugins.documents.services.library import folders_of
from plugins.documents.views.common import bp


@bp.route("/groups/<int:group_id>/checklist")
@capability_required("documents.view")
def checklist(group_id: int):
    """Each template's state for one group: missing, uploaded or signed, with who and when."""
    group = get_or_404(MentoringGroup, group_id)
    pid = group.programme_id
    templates = templates_of(pid)
    items = states(pid, [group.id], templates)[group.id]
    return render_template(
        "documents/checklist.html", group=group, programme=group.programme,
        mandatory=[i for i in items if i.template.mandatory],
        optional=[i for i in items if not i.template.mandatory],
        folders=folders_of(pid, visible_only=True),
        can_upload=can(current_user, "documents.upload", pid, group),
        overview=can(current_user, "documents.overview", pid),
    )


@bp.route("/p/<int:programme_id>/overview")
@capability_required("documents.overview")
def overview(programme_id: int):
    """Every group against every mandatory template, for managers."""
    programme = get_or_404(Programme, programme_id)
    groups = db.session.execute(
        db.select(MentoringGroup).where(MentoringGroup.programme_id == programme_id)
        .order_by(MentoringGroup.name)
    ).scalars().all()
    templates = templates_of(programme_id, mandatory_only=True)
    table = states(programme_id, [g.id for g in groups], templates)
    rows = [(g, table[g.id], sum(1 for i in table[g.id] if not i.complete)) for g in groups]
    return render_template("documents/overview.html", programme=programme, rows=rows,
                           templates=templates)
