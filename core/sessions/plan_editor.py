"""The plan editor: the mentor, with the mentee, picks session types and dates,
orders them and saves the whole plan as a new revision."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core import concurrency
from core.extensions import db
from core.models import MentoringGroup
from core.permissions import capability_required
from core.sessions import services
from core.sessions.blueprint import bp
from core.sessions.forms import PlanForm, combine
from core.sessions.models import MentoringSession
from core.views.helpers import get_or_404

NEW_ROWS = 3


def _fill(form: PlanForm, sessions: list[MentoringSession]) -> None:
    """Rows for the plan as it stands, then empty rows for new sessions."""
    for i, s in enumerate(sessions, start=1):
        form.rows.append_entry({
            "session_id": str(s.id), "order": i, "type": s.type, "title": s.title,
            "date": s.starts_at.date() if s.starts_at else None,
            "time": s.starts_at.time() if s.starts_at else None,
        })
    for k in range(NEW_ROWS):
        form.rows.append_entry({"order": len(sessions) + k + 1})


def _entries(form: PlanForm, by_id: dict[int, MentoringSession]) -> list[tuple[Any, Any]]:
    """(row, session or None) for every row that is filled in; new rows need a type."""
    entries = []
    for row in (entry.form for entry in form.rows):
        raw = (row.session_id.data or "").strip()
        session = None
        if raw:
            if not raw.isdigit() or int(raw) not in by_id:
                abort(400)
            session = by_id[int(raw)]
        editable = session is None or session.status == "planned"
        if session is None and not (row.type.data or (row.title.data or "").strip()):
            continue
        if editable and not row.remove.data:
            if not row.type.data:
                row.type.errors.append(_("Choose the type of session."))
            if row.date.data and not row.time.data:
                row.time.errors.append(_("Give the starting time as well."))
        entries.append((row, session))
    return entries


def _order(full: list[MentoringSession], visible_ids: set[int],
           wanted: list[MentoringSession]) -> list[MentoringSession]:
    """Put ``wanted`` into the places of the visible sessions within ``full``;
    sessions hidden here (their plugin is disabled) keep their places."""
    result: list[MentoringSession] = []
    queue = list(wanted)
    last_visible = max((i for i, s in enumerate(full) if s.id in visible_ids), default=-1)
    for i, s in enumerate(full):
        if s.id in visible_ids:
            if queue:
                result.append(queue.pop(0))
        else:
            result.append(s)
        if i == last_visible:
            result.extend(queue)
            queue = []
    return result + queue


def _save(group: MentoringGroup, form: PlanForm, entries: list[tuple[Any, Any]],
          sessions: list[MentoringSession]) -> Any:
    """Apply the rows: changes, removals, new sessions and the order; keep a revision."""
    keep: list[tuple[int, int, MentoringSession]] = []
    for index, (row, session) in enumerate(entries):
        if row.remove.data and session is not None and session.status != "held":
            db.session.delete(session)
            continue
        if row.remove.data and session is None:
            continue
        if session is None:
            declared = services.session_type(row.type.data)
            session = services.plan_session(
                group, declared.name, actor=current_user,
                title=(row.title.data or "").strip() or str(declared.label),
                starts_at=combine(row.date.data, row.time.data),
            )
        elif session.status == "planned":
            declared = services.session_type(row.type.data)
            session.type, session.plugin = declared.name, declared.plugin
            session.title = (row.title.data or "").strip() or str(declared.label)
            session.starts_at = combine(row.date.data, row.time.data)
        keep.append((row.order.data if row.order.data is not None else 999, index, session))
    wanted = [s for _o, _i, s in sorted(keep, key=lambda k: (k[0], k[1]))]
    full = db.session.execute(
        db.select(MentoringSession).where(MentoringSession.group_id == group.id)
        .order_by(MentoringSession.position, MentoringSession.id)
    ).scalars().all()
    wanted_ids = {s.id for s in wanted}
    visible_ids = {s.id for s in sessions} | wanted_ids
    full = [s for s in full if s.id in wanted_ids or s.id not in {x.id for x in sessions}]
    for position, s in enumerate(_order(full, visible_ids, wanted)):
        s.position = position
    return services.record_revision(group, current_user, (form.note.data or "").strip())


def _plan_version(group: MentoringGroup) -> int:
    """The plan's version: the number of its latest revision (0 before the first)."""
    latest = services.latest_revision(group.id)
    return latest.number if latest else 0


def _changes(form: PlanForm, sessions: list[MentoringSession]) -> list[concurrency.Change]:
    """How the saved plan differs from the submitted rows, session by session."""
    by_id = {s.id: s for s in sessions}
    rows: list[tuple[str, Any, Any]] = []
    seen = set()
    for row in (entry.form for entry in form.rows):
        raw = (row.session_id.data or "").strip()
        if not raw.isdigit():
            continue
        seen.add(int(raw))
        s = by_id.get(int(raw))
        name = (row.title.data or "").strip() or raw
        if s is None:
            rows.append((name, _("removed from the plan"), _("in the plan")))
            continue
        for label, saved, yours in (
            (_("Type of session"), services.type_label(s.type),
             services.type_label(row.type.data) if row.type.data else ""),
            (_("Title"), s.title, (row.title.data or "").strip() or s.title),
            (_("Date"), s.starts_at.date() if s.starts_at else None, row.date.data),
            (_("Starting time"), s.starts_at.time() if s.starts_at else None, row.time.data),
        ):
            rows.append((f"{s.title}: {label}", saved, yours))
    for s in sessions:
        if s.id not in seen:
            rows.append((s.title, _("added to the plan"), _("not in your plan")))
    return concurrency.changes(rows)


@bp.route("/groups/<int:group_id>/sessions/plan", methods=["GET", "POST"])
@capability_required("core.manage_sessions")
def edit_plan(group_id: int):
    group = get_or_404(MentoringGroup, group_id)
    sessions = services.group_plan(group)
    by_id = {s.id: s for s in sessions}
    form = PlanForm()
    if request.method == "GET":
        _fill(form, sessions)
        form.version.data = _plan_version(group)
    choices = [("", _("Choose…"))] + [(t.name, t.label)
                                      for t in services.types_for(group.programme_id)]
    for entry in form.rows:
        entry.form.type.choices = choices
    valid = form.validate_on_submit()
    conflict = None
    if form.is_submitted():
        try:
            concurrency.check(_plan_version(group), form.version.data)
            entries = _entries(form, by_id)
            if valid and not any(row.errors for row, _s in entries):
                with concurrency.guarded(races=(IntegrityError,)):
                    revision = _save(group, form, entries, sessions)
                if revision is None:
                    flash(_("The plan did not change."), "info")
                else:
                    flash(_("Plan saved as revision %(n)d.", n=revision.number), "success")
                return redirect(url_for(".plan", group_id=group.id))
        except concurrency.EditConflict:
            db.session.rollback()
            db.session.expire_all()
            sessions = services.group_plan(group)
            by_id = {s.id: s for s in sessions}
            concurrency.show_version(form, _plan_version(group))
            conflict = _changes(form, sessions)
    rows = []
    for row in (entry.form for entry in form.rows):
        raw = (row.session_id.data or "").strip()
        rows.append((row, by_id.get(int(raw)) if raw.isdigit() else None))
    return render_template("sessions/plan_edit.html", form=form, rows=rows, group=group,
                           programme=group.programme, conflict=conflict,
                           has_errors=bool(form.errors) or any(r.errors for r, _s in rows)
                           ), concurrency.status(conflict)
