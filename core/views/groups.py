"""Mentoring groups: list, create, members."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core import concurrency
from core.events import emit
from core.extensions import db
from core.models import GroupMember, Membership, MentoringGroup, Programme, User
from core.permissions import can, capability_required, visible_group_ids
from core.plugins import flatten, hooks
from core.views.forms import ConfirmForm, GroupForm, GroupMemberForm, GroupStatusForm
from core.views.helpers import get_or_404

bp = Blueprint("groups", __name__)


@bp.route("/p/<int:programme_id>/groups")
@capability_required("core.view_course")
def index(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    stmt = (
        db.select(MentoringGroup)
        .where(MentoringGroup.programme_id == prog.id)
        .options(selectinload(MentoringGroup.members).joinedload(GroupMember.user))
        .order_by(MentoringGroup.name)
    )
    visible = visible_group_ids(current_user, prog.id)
    if visible is not None:
        stmt = stmt.where(MentoringGroup.id.in_(visible or [-1]))
    groups = db.session.execute(stmt).scalars().all()
    return render_template("groups/index.html", programme=prog, groups=groups,
                           manage=can(current_user, "core.manage_groups", prog), form=GroupForm())


@bp.route("/p/<int:programme_id>/groups/new", methods=["POST"])
@capability_required("core.manage_groups")
def create(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    form = GroupForm()
    if form.validate_on_submit():
        group = MentoringGroup(programme_id=prog.id, name=form.name.data.strip())
        db.session.add(group)
        db.session.flush()
        emit("group_created", actor=current_user, programme=prog, group=group, obj=group)
        db.session.commit()
        flash(_("Group created. Now add a mentor and mentees."), "success")
        return redirect(url_for(".view", group_id=group.id))
    for error in form.name.errors:
        flash(error, "error")
    return redirect(url_for(".index", programme_id=prog.id))


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@capability_required("core.view_group")
def view(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    manage = can(current_user, "core.manage_groups", group.programme_id)
    form = GroupMemberForm()
    candidates = _candidates(group)
    form.user_id.choices = [(m.user_id, f"{m.user.name} ({m.role})") for m in candidates]
    if manage and form.validate_on_submit():
        membership = next(m for m in candidates if m.user_id == form.user_id.data)
        db.session.add(GroupMember(group_id=group.id, user_id=membership.user_id,
                                   role=membership.role))
        emit("group_member_added", actor=current_user, programme=group.programme_id,
             group=group, object_type="user", object_id=membership.user_id)
        db.session.commit()
        flash(_("%(name)s added to the group.", name=membership.user.name), "success")
        return redirect(url_for(".view", group_id=group.id))
    return _page(group, form, manage)


# A plugin changes the group row too (matching carries a pairing's end over to the
# status): each form is versioned by the field it edits, not by the whole row.
NAME_FIELDS, STATUS_FIELDS = ("name",), ("status",)


def _page(group: MentoringGroup, form: GroupMemberForm, manage: bool, *,
          rename_form: GroupForm | None = None, status_form: GroupStatusForm | None = None,
          conflict: list[concurrency.Change] | None = None):
    """The group page; after a conflict, the form that lost keeps the user's input."""
    slots = flatten(hooks(group.programme_id).slot_group_page(group=group, user=current_user))
    members = sorted(group.members, key=lambda m: ({"mentor": 0, "manager": 1}.get(m.role, 2),
                                                   m.user.name))
    rename_form = rename_form or GroupForm(
        formdata=None, name=group.name, version=concurrency.fingerprint(group, NAME_FIELDS))
    status_form = status_form or GroupStatusForm(
        formdata=None, status=group.status,
        version=concurrency.fingerprint(group, STATUS_FIELDS))
    return render_template("groups/view.html", group=group, members=members, manage=manage,
                           form=form, confirm=ConfirmForm(), slots=slots,
                           status_form=status_form, rename_form=rename_form,
                           conflict=conflict), concurrency.status(conflict)


def _candidates(group: MentoringGroup) -> list[Membership]:
    """The programme's members who are not in the group yet."""
    member_ids = {m.user_id for m in group.members}
    rows = db.session.execute(
        db.select(Membership).join(User).where(Membership.programme_id == group.programme_id)
        .options(selectinload(Membership.user)).order_by(User.display_name)).scalars()
    return [m for m in rows if m.user_id not in member_ids]


def _member_form(group: MentoringGroup) -> GroupMemberForm:
    """The add-a-member form of a page shown after a conflict."""
    form = GroupMemberForm(formdata=None)
    form.user_id.choices = [(m.user_id, f"{m.user.name} ({m.role})")
                            for m in _candidates(group)]
    return form


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
@capability_required("core.manage_groups")
def remove_member(group_id: int, user_id: int):
    group = get_or_404(MentoringGroup, group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    member = db.session.get(GroupMember, (group.id, user_id)) or abort(404)
    db.session.delete(member)
    emit("group_member_removed", actor=current_user, programme=group.programme_id, group=group,
         object_type="user", object_id=user_id)
    db.session.commit()
    flash(_("Removed from the group."), "success")
    return redirect(url_for(".view", group_id=group.id))


@bp.route("/groups/<int:group_id>/rename", methods=["POST"])
@capability_required("core.manage_groups")
def rename(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    form = GroupForm()
    if form.validate_on_submit():
        def apply() -> None:
            group.name = form.name.data.strip()

        conflict = concurrency.save(group, form, apply, {"name": "name"}, fields=NAME_FIELDS)
        if conflict is not None:
            return _page(group, _member_form(group), True, rename_form=form, conflict=conflict)
        flash(_("Group renamed."), "success")
    return redirect(url_for(".view", group_id=group.id))


@bp.route("/groups/<int:group_id>/status", methods=["POST"])
@capability_required("core.manage_groups")
def set_status(group_id: int):
    """Move the group through its life cycle; completed and closed make it read-only."""
    group = get_or_404(MentoringGroup, group_id)
    form = GroupStatusForm()
    if form.validate_on_submit():
        def apply() -> None:
            if form.status.data != group.status:
                old, group.status = group.status, form.status.data
                emit("group_status_changed", actor=current_user, programme=group.programme_id,
                     group=group, obj=group, data={"from": old, "to": group.status})

        conflict = concurrency.save(group, form, apply, {"status": "status"},
                                    fields=STATUS_FIELDS)
        if conflict is not None:
            return _page(group, _member_form(group), True, status_form=form, conflict=conflict)
        flash(_("Group status saved."), "success")
    return redirect(url_for(".view", group_id=group.id))


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@capability_required("core.manage_groups")
def delete(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        pid = group.programme_id
        emit("group_deleted", actor=current_user, programme=pid,
             object_type="mentoring_group", object_id=group.id, data={"name": group.name})
        db.session.delete(group)
        db.session.commit()
        flash(_("Group deleted."), "success")
        return redirect(url_for(".index", programme_id=pid))
    return render_template(
        "confirm.html", form=form,
        question=_("Delete the group “%(n)s”? Its members stay in the programme.", n=group.name),
        cancel=url_for(".view", group_id=group.id),
    )
