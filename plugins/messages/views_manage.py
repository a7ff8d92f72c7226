"""Managers' pages: reports about members and reminders for inactivity."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from core import concurrency
from core.extensions import db
from core.models import Programme
from core.permissions import capability_required
from core.views.helpers import get_or_404, paginate
from plugins.messages.blueprint import bp
from plugins.messages.forms import NudgeSettingsForm
from plugins.messages.models import Nudge, Report
from plugins.messages.services import nudges
from plugins.messages.services.common import PLUGIN


@bp.route("/p/<int:programme_id>/reports")
@capability_required("messages.view_reports")
def reports(programme_id: int):
    """Reports about members of the programme, newest first."""
    programme = get_or_404(Programme, programme_id)
    page = paginate(
        db.select(Report).where(Report.programme_id == programme_id)
        .options(joinedload(Report.reporter), joinedload(Report.reported))
        .order_by(Report.id.desc()))
    return render_template("messages/reports.html", programme=programme, page=page)


@bp.route("/p/<int:programme_id>/reminders", methods=["GET", "POST"])
@capability_required("messages.manage_nudges")
def reminders(programme_id: int):
    """Who received a reminder for inactivity, and after how many days one is sent."""
    programme = get_or_404(Programme, programme_id)
    form = NudgeSettingsForm(data={"inactive_days": nudges.inactive_days(programme_id)}
                             if request.method == "GET" else None)
    concurrency.loaded_version(form, programme)
    conflict = None
    if form.validate_on_submit():
        conflict = concurrency.save(
            programme, form, lambda: nudges.save_inactive_days(programme,
                                                               form.inactive_days.data),
            {"inactive_days": lambda p: (p.settings or {}).get(PLUGIN, {}).get(
                "inactive_days")})
        if conflict is None:
            flash(_("Saved."), "success")
            return redirect(url_for(".reminders", programme_id=programme_id))
    page = paginate(
        db.select(Nudge).where(Nudge.programme_id == programme_id)
        .options(joinedload(Nudge.user))
        .order_by(Nudge.sent_at.desc(), Nudge.id.desc()))
    rows = nudges.with_state(programme_id, list(page.items))
    status = concurrency.status(conflict) if conflict is not None else (
        400 if form.errors else 200)
    return render_template("messages/reminders.html", programme=programme, form=form,
                           page=page, rows=rows, conflict=conflict), status
