"""A programme's members: list, invitations and roles."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.auth.tokens import hash_token
from core.extensions import db
from core.labels import role_label
from core.mail import send_mail
from core.models import Invitation, Membership, MentoringGroup, Programme, User, utcnow
from core.permissions import can, capability_required
from core.securitylog import security_event
from core.views.forms import ConfirmForm, InviteForm, RoleForm
from core.views.helpers import get_or_404, paginate

bp = Blueprint("members", __name__)


@bp.route("/p/<int:programme_id>/members")
@capability_required("core.view_members")
def index(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    page = paginate(
        db.select(Membership).join(User)
        .where(Membership.programme_id == prog.id)
        .options(joinedload(Membership.user))
        .order_by(Membership.role, User.display_name)
    )
    manage = can(current_user, "core.manage_members", prog)
    pending = []
    if manage:
        pending = db.session.execute(
            db.select(Invitation).where(Invitation.programme_id == prog.id,
                                        Invitation.accepted_at.is_(None),
                                        Invitation.expires_at > utcnow())
            .order_by(Invitation.created_at.desc())
        ).scalars().all()
    return render_template("members/index.html", programme=prog, page=page, manage=manage,
                           pending=pending, confirm=ConfirmForm(), role_form=RoleForm())


@bp.route("/p/<int:programme_id>/invite", methods=["GET", "POST"])
@capability_required("core.manage_members")
def invite(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    form = InviteForm()
    groups = db.session.execute(
        db.select(MentoringGroup).where(MentoringGroup.programme_id == prog.id)
        .order_by(MentoringGroup.name)
    ).scalars().all()
    form.group_id.choices = [(0, _("No group"))] + [(g.id, g.name) for g in groups]
    if form.validate_on_submit():
        token = secrets.token_urlsafe(32)
        inv = Invitation(
            email=form.email.data.strip().lower(), programme_id=prog.id, role=form.role.data,
            group_id=form.group_id.data or None, token_hash=hash_token(token),
            invited_by_id=current_user.id,
            expires_at=utcnow() + timedelta(days=current_app.config["INVITE_DAYS"]),
        )
        db.session.add(inv)
        db.session.commit()
        link = url_for("auth.accept_invitation", token=token, _external=True)
        send_mail(
            inv.email,
            _("Invitation to %(p)s", p=prog.title),
            _("%(who)s invites you to take part in “%(p)s” as %(role)s.\n\n"
              "Accept within %(days)d days by opening this link:\n%(link)s\n",
              who=current_user.name, p=prog.title, role=role_label(inv.role),
              days=current_app.config["INVITE_DAYS"], link=link),
        )
        flash(_("Invitation sent to %(e)s.", e=inv.email), "success")
        return redirect(url_for(".index", programme_id=prog.id))
    return render_template("members/invite.html", form=form, programme=prog)


@bp.route("/p/<int:programme_id>/members/<int:membership_id>/role", methods=["POST"])
@capability_required("core.manage_members")
def change_role(programme_id: int, membership_id: int):
    membership = get_or_404(Membership, membership_id)
    if membership.programme_id != programme_id:
        abort(404)
    form = RoleForm()
    if form.validate_on_submit():
        old, membership.role = membership.role, form.role.data
        db.session.commit()
        security_event("role.changed", "success", programme=programme_id,
                       subject=membership.user_id, old=old, new=membership.role)
        flash(_("Role changed."), "success")
    return redirect(url_for(".index", programme_id=programme_id))


@bp.route("/p/<int:programme_id>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@capability_required("core.manage_members")
def remove(programme_id: int, membership_id: int):
    membership = get_or_404(Membership, membership_id)
    if membership.programme_id != programme_id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        from core.models import GroupMember

        db.session.execute(
            db.delete(GroupMember).where(
                GroupMember.user_id == membership.user_id,
                GroupMember.group_id.in_(
                    db.select(MentoringGroup.id).where(MentoringGroup.programme_id == programme_id)
                ),
            )
        )
        db.session.delete(membership)
        db.session.commit()
        security_event("role.removed", "success", programme=programme_id,
                       subject=membership.user_id, old=membership.role)
        flash(_("Removed from the programme."), "success")
        return redirect(url_for(".index", programme_id=programme_id))
    return render_template(
        "confirm.html", form=form,
        question=_("Remove %(n)s from this programme and its groups?", n=membership.user.name),
        cancel=url_for(".index", programme_id=programme_id),
    )
