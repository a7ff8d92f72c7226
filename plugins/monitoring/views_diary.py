"""Mentee diaries of held sessions, and the mentor's monitoring reports."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import concurrency
from core.activities import activity_or_404, check_group_access, current_group, groups_for
from core.events import emit
from core.extensions import db
from core.models import MentoringGroup, utcnow
from core.permissions import can, capability_required
from core.text import render_markdown
from core.views.helpers import get_or_404
from plugins.monitoring import sessions_source
from plugins.monitoring.blueprint import bp
from plugins.monitoring.forms import DiaryForm, ReportForm
from plugins.monitoring.models import DiaryEntry, MonitoringReport

TYPE = "monitoring.diary"
EDIT_WINDOW = timedelta(days=7)


# form field -> the saved row's value, to show what differs after an edit conflict
DIARY_FIELDS = {"what_we_did": "what_we_did", "what_i_learned": "what_i_learned",
                "next_step": "next_step", "feeling": "feeling", "notes": "notes_source"}
REPORT_FIELDS = {"progress": "progress_source", "attendance_note": "attendance_note",
                 "concerns": "concerns_source"}


def editable(entry: DiaryEntry) -> bool:
    """Its author may edit a diary entry for a week after writing it."""
    return (entry.author_id == current_user.id
            and utcnow() - entry.created_at <= EDIT_WINDOW)


@bp.route("/<int:activity_id>/diary")
@capability_required("monitoring.view_diaries")
def diary(activity_id: int):
    activity = activity_or_404(activity_id, TYPE)
    group = current_group(activity)
    sessions, entries = [], {}
    if group is not None:
        sessions = sessions_source.held_sessions(group.id)
        rows = db.session.scalars(
            db.select(DiaryEntry).where(DiaryEntry.group_id == group.id)
            .options(joinedload(DiaryEntry.author)).order_by(DiaryEntry.created_at)
        ).all()
        for e in rows:
            entries.setdefault(e.session_id, []).append(e)
    return render_template(
        "monitoring/diary.html", activity=activity, programme=activity.programme, group=group,
        groups=groups_for(activity), sessions=sessions, entries=entries, editable=editable,
        can_write=group is not None and can(current_user, "monitoring.write_diary",
                                            activity.programme_id, group))


def _session_in_group(activity, group_id: int, session_id: int):  # noqa: ANN001, ANN202
    check_group_access(activity, group_id)
    session = sessions_source.get(session_id)
    if session is None or session.group_id != group_id or not sessions_source.is_held(session):
        abort(404)
    return session


@bp.route("/<int:activity_id>/diary/<int:group_id>/<int:session_id>", methods=["GET", "POST"])
@capability_required("monitoring.write_diary")
def write_diary(activity_id: int, group_id: int, session_id: int):
    activity = activity_or_404(activity_id, TYPE)
    session = _session_in_group(activity, group_id, session_id)
    group = db.session.get(MentoringGroup, group_id)
    from core.permissions import require

    require("monitoring.write_diary", activity.programme_id, group, hide=True)
    entry = db.session.scalar(db.select(DiaryEntry).where(
        DiaryEntry.session_id == session.id, DiaryEntry.author_id == current_user.id))
    if entry is not None and not editable(entry):
        flash(_("A diary can be changed only during the week after it was written."), "error")
        return redirect(url_for(".diary", activity_id=activity.id, group=group_id))
    form = DiaryForm(obj=entry)
    concurrency.loaded_version(form, entry)
    if entry is not None and not form.is_submitted():
        form.notes.data = entry.notes_source
        form.feeling.data = str(entry.feeling)
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            row = entry
            if row is None:
                row = DiaryEntry(programme_id=activity.programme_id, group_id=group_id,
                                 session_id=session.id, author_id=current_user.id)
                db.session.add(row)
            row.what_we_did = form.what_we_did.data.strip()
            row.what_i_learned = form.what_i_learned.data.strip()
            row.next_step = form.next_step.data.strip()
            row.feeling = int(form.feeling.data)
            row.notes_source = form.notes.data or ""
            row.notes_html = render_markdown(form.notes.data)
            row.updated_at = utcnow()
            db.session.flush()
            if entry is None:
                emit("diary_submitted", actor=current_user, programme=activity.programme_id,
                     group=group_id, obj=row)

        conflict = concurrency.save(
            entry, form, apply, DIARY_FIELDS, races=(IntegrityError,),
            reload=lambda: db.session.scalar(db.select(DiaryEntry).where(
                DiaryEntry.session_id == session.id, DiaryEntry.author_id == current_user.id)))
        if conflict is None:
            flash(_("Your diary is saved and shared with your group."), "success")
            return redirect(url_for(".diary", activity_id=activity.id, group=group_id)
                            + f"#session-{session.id}")
    return render_template("monitoring/diary_form.html", activity=activity,
                           programme=activity.programme, form=form, session=session,
                           title=sessions_source.title(session), group_id=group_id,
                           conflict=conflict), concurrency.status(conflict)


@bp.route("/groups/<int:group_id>/sessions/<int:session_id>/report", methods=["GET", "POST"])
@capability_required("monitoring.write_report")
def report(group_id: int, session_id: int):
    group = get_or_404(MentoringGroup, group_id)
    session = sessions_source.get(session_id)
    if session is None or session.group_id != group.id:
        abort(404)
    row = db.session.scalar(db.select(MonitoringReport).where(
        MonitoringReport.session_id == session.id))
    form = ReportForm(obj=row)
    concurrency.loaded_version(form, row)
    if row is not None and not form.is_submitted():
        form.progress.data = row.progress_source
        form.concerns.data = row.concerns_source
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            saved = row
            if saved is None:
                saved = MonitoringReport(programme_id=group.programme_id, group_id=group.id,
                                         session_id=session.id, author_id=current_user.id)
                db.session.add(saved)
            saved.progress_source = form.progress.data
            saved.progress_html = render_markdown(form.progress.data)
            saved.attendance_note = form.attendance_note.data or ""
            saved.concerns_source = form.concerns.data or ""
            saved.concerns_html = render_markdown(form.concerns.data)
            saved.updated_at = utcnow()
            db.session.flush()
            emit("report_written", actor=current_user, programme=group.programme_id,
                 group=group, obj=saved)

        conflict = concurrency.save(
            row, form, apply, REPORT_FIELDS, races=(IntegrityError,),
            reload=lambda: db.session.scalar(db.select(MonitoringReport).where(
                MonitoringReport.session_id == session.id)))
        if conflict is None:
            flash(_("The monitoring report is saved."), "success")
            return redirect(url_for(".report", group_id=group.id, session_id=session.id))
    return render_template("monitoring/report_form.html", group=group, programme=group.programme,
                           form=form, session=session, title=sessions_source.title(session),
                           report=row, conflict=conflict), concurrency.status(conflict)
