"""The relationship-quality questionnaire: points, answers and results."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.activities import activity_or_404
from core.events import emit
from core.extensions import db
from core.models import MentoringGroup
from core.permissions import can, capability_required, group_ids
from core.views.forms import ConfirmForm
from plugins.monitoring.blueprint import bp
from plugins.monitoring.figures import ANONYMITY_THRESHOLD
from plugins.monitoring.forms import SurveyPointForm, questionnaire_form
from plugins.monitoring.instrument import DIMENSIONS, ITEM_KEYS, ITEMS, score
from plugins.monitoring.models import SurveyAnswer, SurveyPoint

TYPE = "monitoring.questionnaire"


def _points(programme_id: int) -> list[SurveyPoint]:
    return db.session.scalars(
        db.select(SurveyPoint).where(SurveyPoint.programme_id == programme_id)
        .order_by(SurveyPoint.opens_on, SurveyPoint.id)
    ).all()


def _is_open(point: SurveyPoint, today: date) -> bool:
    return point.opens_on <= today and (point.closes_on is None or today <= point.closes_on)


@bp.route("/<int:activity_id>/questionnaire", methods=["GET", "POST"])
@capability_required("monitoring.view_own")
def questionnaire(activity_id: int):
    activity = activity_or_404(activity_id, TYPE)
    pid = activity.programme_id
    points = _points(pid)
    today = date.today()
    manage = can(current_user, "monitoring.manage_questionnaire", pid)
    form = SurveyPointForm()
    if manage and form.validate_on_submit():
        db.session.add(SurveyPoint(programme_id=pid, label=form.label.data.strip(),
                                   opens_on=form.opens_on.data, closes_on=form.closes_on.data))
        db.session.commit()
        flash(_("Questionnaire point added."), "success")
        return redirect(url_for(".questionnaire", activity_id=activity.id))
    answered = set()
    if can(current_user, "monitoring.answer_questionnaire", pid):
        answered = set(db.session.scalars(db.select(SurveyAnswer.point_id).where(
            SurveyAnswer.mentee_id == current_user.id, SurveyAnswer.programme_id == pid)))
    results = _results(pid, points) if can(current_user, "monitoring.view_dashboard", pid) \
        else None
    return render_template(
        "monitoring/questionnaire.html", activity=activity, programme=activity.programme,
        points=points, today=today, is_open=_is_open, answered=answered, manage=manage,
        form=form, results=results, threshold=ANONYMITY_THRESHOLD, confirm=ConfirmForm(),
        can_answer=can(current_user, "monitoring.answer_questionnaire", pid),
        individual=can(current_user, "monitoring.view_individual_answers", pid))


def _results(programme_id: int, points: list[SurveyPoint]) -> list[dict]:
    """Per visible group and point: mean score and count, hidden under the threshold
    for anyone who may not see individual answers."""
    from core.permissions import visible_group_ids

    visible = visible_group_ids(current_user, programme_id)
    individual = can(current_user, "monitoring.view_individual_answers", programme_id)
    stmt = db.select(MentoringGroup).where(MentoringGroup.programme_id == programme_id)
    if visible is not None:
        stmt = stmt.where(MentoringGroup.id.in_(visible or [-1]))
    groups = db.session.scalars(stmt.order_by(MentoringGroup.name)).all()
    answers = db.session.scalars(
        db.select(SurveyAnswer).where(SurveyAnswer.programme_id == programme_id,
                                      SurveyAnswer.group_id.in_([g.id for g in groups] or [-1]))
    ).all()
    cells: dict[tuple[int, int], list[SurveyAnswer]] = {}
    for a in answers:
        cells.setdefault((a.group_id, a.point_id), []).append(a)
    rows = []
    for g in groups:
        row = {"group": g, "cells": []}
        for p in points:
            got = cells.get((g.id, p.id), [])
            shown = individual or len(got) >= ANONYMITY_THRESHOLD
            dims = None
            if shown and got:
                dims = {d: round(sum(score(a.answers)[d] for a in got) / len(got), 2)
                        for d in [*DIMENSIONS, "overall"]}
            row["cells"].append({"count": len(got), "shown": shown, "dims": dims})
        rows.append(row)
    return rows


@bp.route("/<int:activity_id>/questionnaire/<int:point_id>", methods=["GET", "POST"])
@capability_required("monitoring.answer_questionnaire")
def answer(activity_id: int, point_id: int):
    activity = activity_or_404(activity_id, TYPE)
    point = db.session.get(SurveyPoint, point_id)
    if point is None or point.programme_id != activity.programme_id:
        abort(404)
    if not _is_open(point, date.today()):
        flash(_("This questionnaire is not open now."), "error")
        return redirect(url_for(".questionnaire", activity_id=activity.id))
    existing = db.session.scalar(db.select(SurveyAnswer).where(
        SurveyAnswer.point_id == point.id, SurveyAnswer.mentee_id == current_user.id))
    if existing:
        flash(_("You have already answered this questionnaire. Thank you!"), "info")
        return redirect(url_for(".questionnaire", activity_id=activity.id))
    form = questionnaire_form()()
    if form.validate_on_submit():
        values = {k: int(getattr(form, k).data) for k in ITEM_KEYS}
        groups = group_ids(current_user, activity.programme_id)
        db.session.add(SurveyAnswer(
            point_id=point.id, programme_id=activity.programme_id,
            group_id=min(groups) if groups else None, mentee_id=current_user.id,
            answers=values, overall=score(values)["overall"]))
        emit("questionnaire_answered", actor=current_user, programme=activity.programme_id,
             group=min(groups) if groups else None, object_type="monitoring_survey_point",
             object_id=point.id)
        db.session.commit()
        flash(_("Thank you! Your answers are saved. Only the programme's managers see them "
                "one by one."), "success")
        return redirect(url_for(".questionnaire", activity_id=activity.id))
    return render_template("monitoring/answer.html", activity=activity,
                           programme=activity.programme, point=point, form=form, items=ITEMS)


@bp.route("/<int:activity_id>/questionnaire/<int:point_id>/answers")
@capability_required("monitoring.view_individual_answers")
def individual_answers(activity_id: int, point_id: int):
    activity = activity_or_404(activity_id, TYPE)
    point = db.session.get(SurveyPoint, point_id)
    if point is None or point.programme_id != activity.programme_id:
        abort(404)
    answers = db.session.scalars(
        db.select(SurveyAnswer).where(SurveyAnswer.point_id == point.id)
        .options(joinedload(SurveyAnswer.mentee)).order_by(SurveyAnswer.submitted_at)
    ).all()
    group_names = dict(db.session.execute(
        db.select(MentoringGroup.id, MentoringGroup.name)
        .where(MentoringGroup.programme_id == activity.programme_id)).all())
    return render_template("monitoring/answers.html", activity=activity,
                           programme=activity.programme, point=point, answers=answers,
                           items=ITEMS, group_names=group_names)


@bp.route("/<int:activity_id>/questionnaire/<int:point_id>/delete", methods=["GET", "POST"])
@capability_required("monitoring.manage_questionnaire")
def delete_point(activity_id: int, point_id: int):
    activity = activity_or_404(activity_id, TYPE)
    point = db.session.get(SurveyPoint, point_id)
    if point is None or point.programme_id != activity.programme_id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        db.session.delete(point)
        db.session.commit()
        flash(_("Questionnaire point deleted."), "success")
        return redirect(url_for(".questionnaire", activity_id=activity.id))
    n = db.session.scalar(db.select(db.func.count(SurveyAnswer.id)).where(
        SurveyAnswer.point_id == point.id))
    return render_template(
        "confirm.html", form=form, programme=activity.programme,
        question=_("Delete the point “%(label)s” and its %(n)d answers?", label=point.label,
                   n=n),
        cancel=url_for(".questionnaire", activity_id=activity.id))

