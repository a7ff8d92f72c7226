"""The programme's course page: sections and activities, and their management."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core import concurrency
from core.events import emit
from core.extensions import db
from core.models import Activity, Programme, Section
from core.permissions import can, capability_required
from core.plugins import flatten, hooks, registry
from core.text import render_markdown
from core.views.forms import ActivityForm, ConfirmForm, SectionForm
from core.views.helpers import get_or_404, move, renumber

bp = Blueprint("course", __name__)


@bp.route("/p/<int:programme_id>")
@capability_required("core.view_course")
def programme(programme_id: int):
    prog = db.session.execute(
        db.select(Programme)
        .where(Programme.id == programme_id)
        .options(selectinload(Programme.sections).selectinload(Section.activities))
    ).scalar_one()
    manage = can(current_user, "core.manage_course", prog)
    reg = registry()
    types = reg.activity_types
    sections = []
    for section in prog.sections:
        if not section.visible and not manage:
            continue
        acts = [
            a for a in section.activities
            if (a.visible or manage) and a.type in types and reg.is_enabled(prog.id, a.plugin)
        ]
        sections.append((section, acts))
    if not manage:
        sections = _listed_only(sections, types)
    relay = hooks(prog)
    header = flatten(relay.slot_course_header(programme=prog, user=current_user))
    return render_template(
        "course/programme.html", programme=prog, sections=sections, manage=manage,
        header=header, types=types, relay=relay,
    )


def _listed_only(sections: list[tuple[Section, list[Activity]]],
                 types: dict[str, Any]) -> list[tuple[Section, list[Activity]]]:
    """Leave out the activities their type does not list (``ActivityType.listed``),
    asking each type once for all of the page's activities of that type."""
    by_type: dict[str, list[Activity]] = {}
    for _section, acts in sections:
        for a in acts:
            if types[a.type].listed is not None:
                by_type.setdefault(a.type, []).append(a)
    if not by_type:
        return sections
    shown = {i for name, acts in by_type.items() for i in types[name].listed(acts)}
    hidden = {a.id for acts in by_type.values() for a in acts} - shown
    return [(section, [a for a in acts if a.id not in hidden]) for section, acts in sections]


@bp.route("/p/<int:programme_id>/sections/new", methods=["GET", "POST"])
@capability_required("core.manage_course")
def new_section(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    form = SectionForm()
    if form.validate_on_submit():
        section = Section(
            programme_id=prog.id, title=form.title.data.strip(),
            summary_source=form.summary.data or "",
            summary_html=render_markdown(form.summary.data), visible=form.visible.data,
            position=len(prog.sections),
        )
        db.session.add(section)
        db.session.commit()
        flash(_("Section added."), "success")
        return redirect(url_for(".programme", programme_id=prog.id) + f"#section-{section.id}")
    return render_template("course/section_form.html", form=form, programme=prog, section=None)


def _section(programme_id: int, section_id: int) -> Section:
    section = get_or_404(Section, section_id)
    if section.programme_id != programme_id:
        abort(404)
    return section


@bp.route("/p/<int:programme_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@capability_required("core.manage_course")
def edit_section(programme_id: int, section_id: int):
    section = _section(programme_id, section_id)
    form = SectionForm(obj=section)
    if request.method == "GET":
        form.summary.data = section.summary_source
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            section.title = form.title.data.strip()
            section.summary_source = form.summary.data or ""
            section.summary_html = render_markdown(form.summary.data)
            section.visible = form.visible.data

        conflict = concurrency.save(section, form, apply, {
            "title": "title", "summary": "summary_source", "visible": "visible"})
        if conflict is None:
            flash(_("Section saved."), "success")
            return redirect(url_for(".programme", programme_id=programme_id)
                            + f"#section-{section.id}")
    return render_template("course/section_form.html", form=form, programme=section.programme,
                           section=section, conflict=conflict), concurrency.status(conflict)


@bp.route("/p/<int:programme_id>/sections/<int:section_id>/move/<direction>", methods=["POST"])
@capability_required("core.manage_course")
def move_section(programme_id: int, section_id: int, direction: str):
    section = _section(programme_id, section_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    move(section.programme.sections, section, direction)
    db.session.commit()
    return redirect(url_for(".programme", programme_id=programme_id) + f"#section-{section.id}")


@bp.route("/p/<int:programme_id>/sections/<int:section_id>/delete", methods=["GET", "POST"])
@capability_required("core.manage_course")
def delete_section(programme_id: int, section_id: int):
    section = _section(programme_id, section_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        for activity in section.activities:
            emit("activity_deleted", actor=current_user, programme=programme_id,
                 object_type="activity", object_id=activity.id,
                 data={"plugin": activity.plugin, "type": activity.type})
        db.session.delete(section)
        db.session.flush()
        renumber(db.session.get(Programme, programme_id).sections)
        db.session.commit()
        flash(_("Section deleted."), "success")
        return redirect(url_for(".programme", programme_id=programme_id))
    return render_template(
        "confirm.html", form=form,
        question=_("Delete the section “%(t)s” and its %(n)d activities? This cannot be undone.",
                   t=section.title, n=len(section.activities)),
        cancel=url_for(".programme", programme_id=programme_id),
    )


def _activity_form(programme_id: int, activity: Activity | None = None) -> ActivityForm:
    prog = get_or_404(Programme, programme_id)
    form = ActivityForm(obj=activity)
    types = registry().activity_types_for(prog.id)
    form.type.choices = [(t.name, t.label) for t in types]
    form.section_id.choices = [(s.id, s.title) for s in prog.sections]
    if activity is not None:
        form.type.render_kw = {"disabled": True}
        form.type.data = activity.type
        if request.method == "GET":
            form.description.data = activity.description_source
    elif request.method == "GET" and request.args.get("section_id", "").isdigit():
        form.section_id.data = int(request.args["section_id"])
    return form


@bp.route("/p/<int:programme_id>/activities/new", methods=["GET", "POST"])
@capability_required("core.manage_course")
def new_activity(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    if not prog.sections:
        flash(_("Add a section first; activities live inside sections."), "info")
        return redirect(url_for(".new_section", programme_id=prog.id))
    form = _activity_form(programme_id)
    if not form.type.choices:
        flash(_("No activity types are enabled in this programme."), "error")
        return redirect(url_for(".programme", programme_id=prog.id))
    if form.validate_on_submit():
        atype = registry().activity_types[form.type.data]
        section = _section(prog.id, form.section_id.data)
        if form.group_mode.data not in atype.group_modes:
            form.group_mode.errors.append(_("This activity type does not offer that group mode."))
        else:
            activity = Activity(
                section_id=section.id, programme_id=prog.id, type=atype.name,
                plugin=atype.plugin, title=form.title.data.strip(),
                description_source=form.description.data or "",
                description_html=render_markdown(form.description.data),
                group_mode=form.group_mode.data, visible=form.visible.data,
                position=len(section.activities), settings=dict(atype.default_settings),
            )
            db.session.add(activity)
            db.session.flush()
            emit("activity_created", actor=current_user, programme=prog, obj=activity)
            db.session.commit()
            flash(_("Activity added."), "success")
            return redirect(url_for("activities.view", activity_id=activity.id))
    return render_template("course/activity_form.html", form=form, programme=prog, activity=None)


def _activity(programme_id: int, activity_id: int) -> Activity:
    activity = get_or_404(Activity, activity_id)
    if activity.programme_id != programme_id:
        abort(404)
    return activity


# form field -> the activity's value, to show what differs after an edit conflict
ACTIVITY_FIELDS = {"section_id": "section_id", "title": "title",
                   "description": "description_source", "group_mode": "group_mode",
                   "visible": "visible"}


@bp.route("/p/<int:programme_id>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@capability_required("core.manage_course")
def edit_activity(programme_id: int, activity_id: int):
    activity = _activity(programme_id, activity_id)
    form = _activity_form(programme_id, activity)
    conflict = None
    if request.method == "POST":
        form.type.data = activity.type
    if form.validate_on_submit():
        atype = registry().activity_types.get(activity.type)
        if atype and form.group_mode.data not in atype.group_modes:
            form.group_mode.errors.append(_("This activity type does not offer that group mode."))
        else:
            def apply() -> None:
                section = _section(programme_id, form.section_id.data)
                if section.id != activity.section_id:
                    activity.section_id = section.id
                    activity.position = len(section.activities)
                activity.title = form.title.data.strip()
                activity.description_source = form.description.data or ""
                activity.description_html = render_markdown(form.description.data)
                activity.group_mode = form.group_mode.data
                activity.visible = form.visible.data

            conflict = concurrency.save(activity, form, apply, ACTIVITY_FIELDS)
            if conflict is None:
                flash(_("Activity saved."), "success")
                return redirect(url_for(".programme", programme_id=programme_id)
                                + f"#activity-{activity.id}")
    return render_template("course/activity_form.html", form=form, programme=activity.programme,
                           activity=activity, conflict=conflict), concurrency.status(conflict)


@bp.route("/p/<int:programme_id>/activities/<int:activity_id>/move/<direction>",
          methods=["POST"])
@capability_required("core.manage_course")
def move_activity(programme_id: int, activity_id: int, direction: str):
    activity = _activity(programme_id, activity_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    move(activity.section.activities, activity, direction)
    db.session.commit()
    return redirect(url_for(".programme", programme_id=programme_id) + f"#activity-{activity.id}")


@bp.route("/p/<int:programme_id>/activities/<int:activity_id>/delete", methods=["GET", "POST"])
@capability_required("core.manage_course")
def delete_activity(programme_id: int, activity_id: int):
    activity = _activity(programme_id, activity_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        section = activity.section
        emit("activity_deleted", actor=current_user, programme=programme_id,
             object_type="activity", object_id=activity.id,
             data={"plugin": activity.plugin, "type": activity.type})
        db.session.delete(activity)
        db.session.flush()
        renumber(section.activities)
        db.session.commit()
        flash(_("Activity deleted."), "success")
        return redirect(url_for(".programme", programme_id=programme_id))
    return render_template(
        "confirm.html", form=form,
        question=_("Delete the activity “%(t)s” and everything in it? This cannot be undone.",
                   t=activity.title),
        cancel=url_for(".programme", programme_id=programme_id),
    )


activities = Blueprint("activities", __name__)


@activities.route("/activity/<int:activity_id>")
@capability_required("core.view_course")
def view(activity_id: int):
    """Open an activity in the view of the plugin that provides its type."""
    activity = get_or_404(Activity, activity_id)
    atype = registry().activity_types.get(activity.type)
    if atype is None or not registry().is_enabled(activity.programme_id, atype.plugin):
        abort(404)
    if not activity.visible and not can(current_user, "core.manage_course", activity.programme_id):
        abort(404)
    return redirect(url_for(atype.endpoint, activity_id=activity.id))
