"""Outcomes and personal goals of a group's mentees, recorded by the mentor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core import concurrency
from core.events import emit
from core.extensions import db
from core.models import GroupMember, MentoringGroup, User, utcnow
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404
from plugins.monitoring.blueprint import bp
from plugins.monitoring.forms import GoalForm, GoalProgressForm, OutcomeForm
from plugins.monitoring.labels import outcome_label
from plugins.monitoring.models import Goal, Outcome


def _mentees(group: MentoringGroup) -> list[User]:
    return sorted((m.user for m in group.members if m.role == "mentee"), key=lambda u: u.name)


def _mentee_of(group: MentoringGroup, user_id: int) -> User:
    if db.session.get(GroupMember, (group.id, user_id)) is None:
        abort(404)
    return get_or_404(User, user_id)


# the row also records who saved it and when: the form is versioned by what it edits
OUTCOME_FIELDS = ("status_start", "status_end", "competences", "completed")
GOAL_FIELDS = ("progress",)
OUTCOME_COMPARED = {
    "status_start": lambda o: o.status_start or "", "status_end": lambda o: o.status_end or "",
    "competences": "competences", "completed": "completed"}


def _outcome(group: MentoringGroup, mentee_id: int) -> Outcome | None:
    return db.session.scalar(db.select(Outcome).where(
        Outcome.programme_id == group.programme_id, Outcome.mentee_id == mentee_id))


@bp.route("/groups/<int:group_id>/outcomes")
@capability_required("monitoring.record_outcomes")
def outcomes(group_id: int):
    return _page(get_or_404(MentoringGroup, group_id))


def _page(group: MentoringGroup, kept: OutcomeForm | None = None,
          conflict: list[concurrency.Change] | None = None,
          kept_goal: tuple[int, GoalProgressForm] | None = None):
    """The outcomes page; after a conflict, ``kept`` (an outcome) or ``kept_goal`` (a
    goal's id and progress form) is the form that lost, with the user's input."""
    mentees = _mentees(group)
    ids = [u.id for u in mentees] or [-1]
    rows = {o.mentee_id: o for o in db.session.scalars(db.select(Outcome).where(
        Outcome.programme_id == group.programme_id, Outcome.mentee_id.in_(ids)))}
    goals: dict[int, list[Goal]] = {}
    for goal in db.session.scalars(db.select(Goal).where(
            Goal.programme_id == group.programme_id, Goal.mentee_id.in_(ids)).order_by(Goal.id)):
        goals.setdefault(goal.mentee_id, []).append(goal)
    forms = {}
    for u in mentees:
        o = rows.get(u.id)
        f = OutcomeForm(formdata=None, prefix=f"m{u.id}", obj=o)
        f.mentee_id.data = u.id
        f.version.data = concurrency.fingerprint(o, OUTCOME_FIELDS) if o else 0
        forms[u.id] = f
    if kept is not None:
        forms[int(kept.mentee_id.data)] = kept
    progress = {g.id: GoalProgressForm(formdata=None, progress=g.progress,
                                       version=concurrency.fingerprint(g, GOAL_FIELDS))
                for gl in goals.values() for g in gl}
    if kept_goal is not None:
        progress[kept_goal[0]] = kept_goal[1]
    return render_template("monitoring/outcomes.html", group=group, programme=group.programme,
                           mentees=mentees, forms=forms, goals=goals, goal_form=GoalForm(),
                           outcome_label=outcome_label, confirm=ConfirmForm(),
                           progress=progress, conflict=conflict,
                           conflict_mentee=kept and int(kept.mentee_id.data),
                           conflict_goal=kept_goal and kept_goal[0]
                           ), concurrency.status(conflict)


@bp.route("/groups/<int:group_id>/outcomes/<int:user_id>", methods=["POST"])
@capability_required("monitoring.record_outcomes")
def save_outcome(group_id: int, user_id: int):
    group = get_or_404(MentoringGroup, group_id)
    mentee = _mentee_of(group, user_id)
    form = OutcomeForm(prefix=f"m{mentee.id}")
    if not form.validate_on_submit():
        flash(_("The outcome could not be saved; check the fields."), "error")
        return redirect(url_for(".outcomes", group_id=group.id))
    saved = _outcome(group, mentee.id)

    def apply() -> None:
        row = saved
        if row is None:
            row = Outcome(programme_id=group.programme_id, mentee_id=mentee.id)
            db.session.add(row)
        row.status_start = form.status_start.data or None
        row.status_end = form.status_end.data or None
        row.competences = form.competences.data or ""
        row.completed = bool(form.completed.data)
        row.recorded_by_id = current_user.id
        row.updated_at = utcnow()
        db.session.flush()
        emit("outcome_recorded", actor=current_user, programme=group.programme_id,
             group=group, obj=row)

    conflict = concurrency.save(saved, form, apply, OUTCOME_COMPARED, races=(IntegrityError,),
                                reload=lambda: _outcome(group, mentee.id), fields=OUTCOME_FIELDS)
    if conflict is not None:
        form.mentee_id.data = mentee.id
        return _page(group, form, conflict)
    flash(_("Outcome saved for %(name)s.", name=mentee.name), "success")
    return redirect(url_for(".outcomes", group_id=group.id) + f"#mentee-{mentee.id}")


@bp.route("/groups/<int:group_id>/goals/<int:user_id>", methods=["POST"])
@capability_required("monitoring.record_outcomes")
def add_goal(group_id: int, user_id: int):
    group = get_or_404(MentoringGroup, group_id)
    mentee = _mentee_of(group, user_id)
    form = GoalForm()
    if form.validate_on_submit():
        db.session.add(Goal(programme_id=group.programme_id, mentee_id=mentee.id,
                            title=form.title.data.strip(), progress=form.progress.data))
        db.session.commit()
        flash(_("Goal added."), "success")
    else:
        flash(_("The goal needs a title and a progress between 0 and 100."), "error")
    return redirect(url_for(".outcomes", group_id=group.id) + f"#mentee-{mentee.id}")


@bp.route("/groups/<int:group_id>/goals/<int:user_id>/<int:goal_id>", methods=["POST"])
@capability_required("monitoring.record_outcomes")
def update_goal(group_id: int, user_id: int, goal_id: int):
    group = get_or_404(MentoringGroup, group_id)
    mentee = _mentee_of(group, user_id)
    goal = get_or_404(Goal, goal_id)
    if goal.mentee_id != mentee.id or goal.programme_id != group.programme_id:
        abort(404)
    if request.form.get("delete"):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        db.session.delete(goal)
        db.session.commit()
        flash(_("Goal removed."), "success")
    else:
        form = GoalProgressForm()
        if not form.validate_on_submit():
            flash(_("Progress must be a whole number from 0 to 100."), "error")
        else:
            def apply() -> None:
                goal.progress = form.progress.data
                goal.updated_at = utcnow()

            conflict = concurrency.save(goal, form, apply, {"progress": "progress"},
                                        fields=GOAL_FIELDS)
            if conflict is not None:
                return _page(group, conflict=conflict, kept_goal=(goal.id, form))
            flash(_("Progress saved."), "success")
    return redirect(url_for(".outcomes", group_id=group.id) + f"#mentee-{mentee.id}")
