"""The dashboard: my programmes, my groups, what is new, plugin widgets."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.labels import news_event_names
from core.models import Event, GroupMember, Membership, MentoringGroup, Programme
from core.permissions import capability_required, public
from core.plugins import flatten, hooks, registry

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(url_for(".index"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@capability_required("core.use")
def index():
    memberships = db.session.execute(
        db.select(Membership)
        .where(Membership.user_id == current_user.id)
        .options(joinedload(Membership.programme).joinedload(Programme.organisation))
    ).scalars().all()
    groups = db.session.execute(
        db.select(GroupMember)
        .where(GroupMember.user_id == current_user.id)
        .options(joinedload(GroupMember.group).joinedload(MentoringGroup.programme))
    ).scalars().all()
    programme_ids = [m.programme_id for m in memberships]
    my_groups = [gm.group_id for gm in groups]
    managed = [m.programme_id for m in memberships if m.role == "manager"]
    news = []
    if programme_ids:
        news = db.session.execute(
            db.select(Event)
            .where(
                Event.programme_id.in_(programme_ids),
                Event.name.in_(news_event_names()),
                or_(Event.group_id.is_(None), Event.group_id.in_(my_groups or [-1]),
                    Event.programme_id.in_(managed or [-1])),
            )
            .options(joinedload(Event.actor))
            .order_by(Event.id.desc())
            .limit(15)
        ).scalars().all()
    # one hook call for all programmes that enabled the same plugins (usually all)
    alike: dict[frozenset[str], list[Programme]] = {}
    for m in memberships:
        alike.setdefault(registry().disabled_in(m.programme_id), []).append(m.programme)
    widgets = []
    for progs in alike.values():
        for w in flatten(hooks(progs[0]).dashboard_widgets(programmes=progs,
                                                          user=current_user)):
            widgets.append((w.programme, w))
    widgets.sort(key=lambda pw: (pw[0].title, pw[0].id, pw[1].order))
    programmes = {m.programme_id: m.programme for m in memberships}
    return render_template(
        "dashboard.html", memberships=memberships, groups=groups, news=news,
        widgets=widgets, programmes=programmes,
    )
