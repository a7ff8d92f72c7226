"""The programme's training course by track, and every participant's progress."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import case

from core.extensions import db
from core.i18n import language_label
from core.models import Membership, Programme, User
from core.permissions import can, capability_required, role_in
from core.views.helpers import get_or_404
from plugins.lessons.blueprint import bp
from plugins.lessons.services import catalogue, progress
from plugins.lessons.services.overview import best, course_view


@bp.route("/p/<int:programme_id>")
@capability_required("lessons.read")
def index(programme_id: int):
    """The training course: my track first, the others after it."""
    programme = get_or_404(Programme, programme_id)
    manage = can(current_user, "lessons.manage", programme)
    return render_template(
        "lessons/index.html", programme=programme, manage=manage,
        role=role_in(current_user, programme.id), track_label=catalogue.track_label,
        language_name=language_label,
        **course_view(programme, current_user, include_hidden=manage))


@bp.route("/p/<int:programme_id>/progress")
@capability_required("lessons.view_progress")
def participants(programme_id: int):
    """Every participant's progress in their own track and in each lesson."""
    programme = get_or_404(Programme, programme_id)
    order = case({"manager": 0, "mentor": 1, "mentee": 2}, value=Membership.role, else_=3)
    members = db.session.execute(
        db.select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == programme.id)
        .order_by(order, User.display_name, User.id)
    ).all()
    items = catalogue.catalogue(programme.id, include_hidden=True)
    fams = catalogue.families(items, str(get_locale()))
    grouped = catalogue.by_track(fams, None)
    columns = [fam for _t, group in grouped for fam in group]
    figs = progress.figures([u.id for u, _r in members], [i.activity.id for i in items])
    rows = []
    for user, role in members:
        mine = figs.get(user.id, {})
        cells = [best(fam, mine) for fam in columns]
        own = sum((f for fam, f in zip(columns, cells, strict=True)
                   if fam.shown.lesson.track == role), progress.Figures())
        rows.append((user, role, own, cells))
    return render_template("lessons/progress.html", programme=programme, rows=rows,
                           columns=columns, grouped=grouped, track_label=catalogue.track_label)
