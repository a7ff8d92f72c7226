"""A group's session plan, its revisions and the pages of each session."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core import concurrency
from core.extensions import db
from core.models import MentoringGroup, Programme
from core.permissions import can, capability_required, visible_group_ids
from core.sessions import services
from core.sessions.blueprint import bp, local_now
from core.sessions.forms import (
    ATTENDANCE_CHOICES,
    MODE_CHOICES,
    SessionForm,
    attendance_form,
    combine,
)
from core.sessions.models import MentoringSession, SessionPlanRevision
from core.text import render_markdown
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404, paginate


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"session_labels": labels(), "type_label": services.type_label}


def labels() -> dict[str, dict[str, Any]]:
    """Translated labels of modes, statuses and attendance codes for templates."""
    return {
        "mode": dict(MODE_CHOICES),
        "status": {"planned": _("planned"), "held": _("held"), "cancelled": _("cancelled")},
        "attendance": dict(ATTENDANCE_CHOICES),
    }


def _staff(group: MentoringGroup, *, as_reader: bool = False) -> bool:
    """May plan and edit the group's sessions (``as_reader``: sees what staff see)."""
    return can(current_user, "core.manage_sessions", group.programme_id, group,
               as_reader=as_reader)


def _session_form(group: MentoringGroup, session: MentoringSession | None = None) -> SessionForm:
    form = SessionForm(obj=session)
    form.type.choices = [(t.name, t.label) for t in services.types_for(group.programme_id)]
    mentees = sorted((m for m in group.members if m.role == "mentee"), key=lambda m: m.user.name)
    form.mentee_id.choices = [(0, _("The whole group"))] + [(m.user_id, m.user.name)
                                                            for m in mentees]
    if request.method == "GET":
        if session is not None:
            form.agenda.data = session.agenda_source
            form.mentee_id.data = session.mentee_id or 0
            if session.starts_at:
                form.date.data, form.time.data = session.starts_at.date(), session.starts_at.time()
        elif request.args.get("type") in dict(form.type.choices):
            form.type.data = request.args["type"]
    return form


def _start_date(s: MentoringSession) -> Any:
    return s.starts_at.date() if s.starts_at else None


def _start_time(s: MentoringSession) -> Any:
    return s.starts_at.time() if s.starts_at else None


# form field -> the session's value, to show what differs after an edit conflict
SESSION_FIELDS: dict[str, Any] = {
    "type": "type", "title": "title", "date": _start_date, "time": _start_time,
    "duration_minutes": "duration_minutes", "mode": "mode", "location": "location",
    "mentee_id": lambda s: s.mentee_id or 0, "agenda": "agenda_source",
}


def _apply(form: SessionForm, session: MentoringSession) -> None:
    """Copy the form into the session (type and plugin, times, place, agenda)."""
    declared = services.session_type(form.type.data)
    session.type, session.plugin = declared.name, declared.plugin
    session.title = (form.title.data or "").strip() or str(declared.label)
    session.starts_at = combine(form.date.data, form.time.data)
    session.duration_minutes = form.duration_minutes.data
    session.mode = form.mode.data
    session.location = (form.location.data or "").strip()
    session.agenda_source = form.agenda.data or ""
    session.agenda_html = render_markdown(form.agenda.data)
    session.mentee_id = form.mentee_id.data or None


# --- programme and plan ------------------------------------------------------------


@bp.route("/p/<int:programme_id>/sessions")
@capability_required("core.view_sessions")
def programme(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    stmt = db.select(MentoringGroup).where(MentoringGroup.programme_id == prog.id)
    visible = visible_group_ids(current_user, prog.id)
    if visible is not None:
        stmt = stmt.where(MentoringGroup.id.in_(visible or [-1]))
    groups = db.session.execute(stmt.order_by(MentoringGroup.name)).scalars().all()
    upcoming = services.user_sessions(current_user, start=local_now(), programme_id=prog.id,
                                      statuses=("planned",), limit=10)
    return render_template("sessions/programme.html", programme=prog, groups=groups,
                           figures=services.group_figures([g.id for g in groups]),
                           upcoming=upcoming)


@bp.route("/groups/<int:group_id>/sessions")
@capability_required("core.view_sessions")
def plan(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    return render_template(
        "sessions/plan.html", group=group, programme=group.programme,
        sessions=services.group_plan(group, current_user), staff=_staff(group),
        latest=services.latest_revision(group.id),
    )


@bp.route("/groups/<int:group_id>/sessions/print")
@capability_required("core.view_sessions")
def plan_print(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    return render_template(
        "sessions/plan_print.html", group=group, programme=group.programme,
        sessions=services.group_plan(group, current_user), staff=_staff(group),
        latest=services.latest_revision(group.id), printed_at=local_now(),
    )


@bp.route("/groups/<int:group_id>/sessions/revisions")
@capability_required("core.view_sessions")
def revisions(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    page = paginate(
        db.select(SessionPlanRevision).where(SessionPlanRevision.group_id == group.id)
        .options(db.joinedload(SessionPlanRevision.created_by))
        .order_by(SessionPlanRevision.number.desc())
    )
    return render_template("sessions/revisions.html", group=group, programme=group.programme,
                           page=page)


@bp.route("/groups/<int:group_id>/sessions/revisions/<int:number>")
@capability_required("core.view_sessions")
def revision(group_id: int, number: int):
    group = get_or_404(MentoringGroup, group_id)
    rev = db.session.execute(
        db.select(SessionPlanRevision).where(SessionPlanRevision.group_id == group.id,
                                             SessionPlanRevision.number == number)
    ).scalar() or abort(404)
    items = services.visible_items(rev, group.programme_id, current_user,
                                   _staff(group, as_reader=True))
    return render_template("sessions/revision.html", group=group, programme=group.programme,
                           revision=rev, items=items)


# --- one session -------------------------------------------------------------------


@bp.route("/groups/<int:group_id>/sessions/new", methods=["GET", "POST"])
@capability_required("core.manage_sessions")
def new(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    form = _session_form(group)
    if form.validate_on_submit():
        declared = services.session_type(form.type.data)
        session = services.plan_session(
            group, declared.name, title=(form.title.data or "").strip() or str(declared.label),
            actor=current_user,
        )
        _apply(form, session)
        services.record_revision(group, current_user, _("Added “%(t)s”.", t=session.title))
        db.session.commit()
        flash(_("Session added to the plan."), "success")
        return redirect(url_for(".view", group_id=group.id, session_id=session.id))
    return render_template("sessions/session_form.html", form=form, group=group,
                           programme=group.programme, session=None)


def _may_open(endpoint: str, group: MentoringGroup) -> bool:
    """Whether the user passes the capability check of the worksheet's view (a link
    that would answer 404 is not shown)."""
    view_function = current_app.view_functions.get(endpoint)
    cap = getattr(view_function, "capability", None)
    return view_function is not None and (cap is None or can(current_user, cap,
                                                             group.programme_id, group))


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>")
@capability_required("core.view_sessions")
def view(group_id: int, session_id: int):
    group = get_or_404(MentoringGroup, group_id)
    session = services.session_or_404(group.id, session_id)
    declared = services.session_type(session.type)
    worksheet_url = None
    if declared and declared.worksheet_endpoint and _may_open(declared.worksheet_endpoint,
                                                              group):
        worksheet_url = url_for(declared.worksheet_endpoint, group_id=group.id,
                                session_id=session.id)
    marks = {a.user_id: a.status for a in session.attendance}
    return render_template(
        "sessions/session.html", group=group, programme=group.programme, session=session,
        declared=declared, worksheet_url=worksheet_url, staff=_staff(group),
        sees_staff=_staff(group, as_reader=True), members=services.attendees(session),
        marks=marks, confirm=ConfirmForm(),
    )


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@capability_required("core.manage_sessions")
def edit(group_id: int, session_id: int):
    group = get_or_404(MentoringGroup, group_id)
    session = services.session_or_404(group.id, session_id)
    form = _session_form(group, session)
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            _apply(form, session)
            services.record_revision(group, current_user,
                                     _("Changed “%(t)s”.", t=session.title))

        conflict = concurrency.save(session, form, apply, SESSION_FIELDS,
                                    races=(IntegrityError,))
        if conflict is None:
            flash(_("Session saved."), "success")
            return redirect(url_for(".view", group_id=group.id, session_id=session.id))
    return render_template("sessions/session_form.html", form=form, group=group,
                           programme=group.programme, session=session,
                           conflict=conflict), concurrency.status(conflict)


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>/hold", methods=["GET", "POST"])
@capability_required("core.manage_sessions")
def hold(group_id: int, session_id: int):
    group = get_or_404(MentoringGroup, group_id)
    session = services.session_or_404(group.id, session_id)
    if session.status == "cancelled":
        flash(_("This session was cancelled. Plan it again first."), "error")
        return redirect(url_for(".view", group_id=group.id, session_id=session.id))
    if session.starts_at is None:
        flash(_("Set the date and time of the session first."), "error")
        return redirect(url_for(".edit", group_id=group.id, session_id=session.id))
    members = services.attendees(session)
    marks = {a.user_id: a.status for a in session.attendance}
    form = attendance_form(members, marks, session.notes_source, session.version)
    conflict = None
    if form.validate_on_submit():
        held: list[bool] = []

        def apply() -> None:
            statuses = {m.user_id: form[f"attendance-{m.user_id}"].data for m in members}
            held.append(services.hold(session, statuses, form.notes.data, current_user))

        compare: dict[str, Any] = {"notes": "notes_source"}
        for m in members:
            compare[f"attendance-{m.user_id}"] = (
                lambda s, uid=m.user_id: {a.user_id: a.status for a in s.attendance}.get(uid))
        conflict = concurrency.save(session, form, apply, compare, races=(IntegrityError,))
        if conflict is None:
            flash(_("The session is recorded as held.") if held[0]
                  else _("Attendance and notes saved."), "success")
            return redirect(url_for(".view", group_id=group.id, session_id=session.id))
    return render_template("sessions/hold.html", form=form, group=group,
                           programme=group.programme, session=session, members=members,
                           conflict=conflict), concurrency.status(conflict)


def _confirmed_change(group_id: int, session_id: int, question: str,
                      allowed: tuple[str, ...]) -> tuple[MentoringGroup, MentoringSession, Any]:
    """Load the session for a confirmed change; GET answers the confirmation page."""
    group = get_or_404(MentoringGroup, group_id)
    session = services.session_or_404(group.id, session_id)
    if session.status not in allowed:
        abort(400)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        return group, session, None
    if request.method == "POST":
        abort(400)
    page = render_template(
        "confirm.html", form=form, question=question % {"t": session.title},
        cancel=url_for(".view", group_id=group.id, session_id=session.id),
    )
    return group, session, page


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@capability_required("core.manage_sessions")
def cancel(group_id: int, session_id: int):
    group, session, page = _confirmed_change(
        group_id, session_id, _("Cancel the session “%(t)s”? It stays in the plan as cancelled."),
        ("planned",))
    if page is not None:
        return page
    services.cancel(session, current_user)
    services.record_revision(group, current_user, _("Cancelled “%(t)s”.", t=session.title))
    db.session.commit()
    flash(_("Session cancelled."), "success")
    return redirect(url_for(".view", group_id=group.id, session_id=session.id))


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>/replan", methods=["POST"])
@capability_required("core.manage_sessions")
def replan(group_id: int, session_id: int):
    group = get_or_404(MentoringGroup, group_id)
    session = services.session_or_404(group.id, session_id)
    if session.status != "cancelled" or not ConfirmForm().validate_on_submit():
        abort(400)
    session.status = "planned"
    services.record_revision(group, current_user, _("Planned “%(t)s” again.", t=session.title))
    db.session.commit()
    flash(_("The session is planned again."), "success")
    return redirect(url_for(".view", group_id=group.id, session_id=session.id))


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@capability_required("core.manage_sessions")
def delete(group_id: int, session_id: int):
    group, session, page = _confirmed_change(
        group_id, session_id,
        _("Remove the session “%(t)s” from the plan? Earlier revisions of the plan keep it."),
        ("planned", "cancelled"))
    if page is not None:
        return page
    title = session.title
    db.session.delete(session)
    services.record_revision(group, current_user, _("Removed “%(t)s”.", t=title))
    db.session.commit()
    flash(_("Session removed from the plan."), "success")
    return redirect(url_for(".plan", group_id=group.id))

