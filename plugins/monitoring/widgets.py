"""Dashboard widgets of the monitoring plugin."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import bindparam

from core.declarations import Widget
from core.extensions import db
from core.models import Activity
from core.permissions import can
from plugins.monitoring.models import SurveyAnswer, SurveyPoint


@cache
def _waiting_statement() -> Any:
    """Open survey points a mentee has not answered in some programmes, each with the id
    of its programme's visible questionnaire (one statement, built once per process)."""
    # looked up per point by the (point, mentee) unique key: "NOT IN (the mentee's
    # answers)" made SQLite read every answer of every programme
    answered = db.select(SurveyAnswer.id).where(SurveyAnswer.point_id == SurveyPoint.id,
                                                SurveyAnswer.mentee_id == bindparam("uid"))
    questionnaire = (
        db.select(Activity.id)
        .where(Activity.programme_id == SurveyPoint.programme_id,
               Activity.type == "monitoring.questionnaire", Activity.visible.is_(True))
        .order_by(Activity.id).limit(1).scalar_subquery())
    today = bindparam("today")
    return db.select(SurveyPoint, questionnaire).where(
        SurveyPoint.programme_id.in_(bindparam("pids", expanding=True)),
        SurveyPoint.opens_on <= today,
        (SurveyPoint.closes_on.is_(None)) | (SurveyPoint.closes_on >= today),
        ~answered.exists()).order_by(SurveyPoint.opens_on, SurveyPoint.id)


def widgets(programmes: list[Any], user: Any) -> list[Widget]:
    """Mentees: questionnaires waiting for an answer. Staff: a link to the dashboard.
    The same statement for all programmes."""
    answering = [p for p in programmes if can(user, "monitoring.answer_questionnaire", p)]
    waiting: dict[int, list] = {}
    questionnaires: dict[int, int | None] = {}
    if answering:
        for point, activity_id in db.session.execute(_waiting_statement(), {
                "uid": user.id, "pids": [p.id for p in answering],
                "today": date.today()}).all():
            waiting.setdefault(point.programme_id, []).append(point)
            questionnaires[point.programme_id] = activity_id
    out = []
    for programme in programmes:
        if programme in answering:
            activity_id = questionnaires.get(programme.id)
            if waiting.get(programme.id) and activity_id:
                url = url_for("monitoring.questionnaire", activity_id=activity_id)
                out.append(Widget(_("Questionnaire waiting for you"), Markup(render_template(
                    "monitoring/widget_waiting.html", points=waiting[programme.id], url=url)),
                    programme=programme))
        elif can(user, "monitoring.view_dashboard", programme):
            url = url_for("monitoring.programme_dashboard", programme_id=programme.id)
            out.append(Widget(_("Monitoring"), Markup(render_template(
                "monitoring/widget_staff.html", url=url)), order=50, programme=programme))
    return out
