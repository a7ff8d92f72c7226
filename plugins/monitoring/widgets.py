"""Dashboard widgets of the monitoring plugin."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from core.declarations import Widget
from core.extensions import db
from core.models import Activity
from core.permissions import can
from plugins.monitoring.models import SurveyAnswer, SurveyPoint


def widgets(programme: Any, user: Any) -> list[Widget]:
    """Mentees: questionnaires waiting for an answer. Staff: a link to the dashboard."""
    out = []
    if can(user, "monitoring.answer_questionnaire", programme):
        today = date.today()
        answered = db.select(SurveyAnswer.point_id).where(SurveyAnswer.mentee_id == user.id)
        waiting = db.session.scalars(
            db.select(SurveyPoint).where(
                SurveyPoint.programme_id == programme.id, SurveyPoint.opens_on <= today,
                (SurveyPoint.closes_on.is_(None)) | (SurveyPoint.closes_on >= today),
                SurveyPoint.id.not_in(answered))
        ).all()
        activity = db.session.scalar(db.select(Activity).where(
            Activity.programme_id == programme.id, Activity.type == "monitoring.questionnaire",
            Activity.visible.is_(True)))
        if waiting and activity:
            url = url_for("monitoring.questionnaire", activity_id=activity.id)
            out.append(Widget(_("Questionnaire waiting for you"), Markup(render_template(
                "monitoring/widget_waiting.html", points=waiting, url=url))))
    elif can(user, "monitoring.view_dashboard", programme):
        url = url_for("monitoring.programme_dashboard", programme_id=programme.id)
        out.append(Widget(_("Monitoring"), Markup(render_template(
            "monitoring/widget_staff.html", url=url)), order=50))
    return out
