"""Managers' pages: programme settings, the competence list, cohort suggestions and
confirming pairs in bulk."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from core import concurrency
from core.extensions import db
from core.models import User
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from plugins.matching.forms import CompetenceForm, SettingsForm
from plugins.matching.models import Competence, ProfileCompetence
from plugins.matching.services import requests as rules
from plugins.matching.services.pairings import default_group, weeks_setting
from plugins.matching.services.profiles import competence_slots, competences, ensure_competences
from plugins.matching.services.requests import MatchingError
from plugins.matching.services.suggest import KIND_LABELS, cohort
from plugins.matching.views.common import bp, current, programme_or_404


@bp.route("/p/<int:programme_id>/matching/settings", methods=["GET", "POST"])
@capability_required("matching.manage")
def settings(programme_id: int):
    """The minimum age, the pairing length and the competence list."""
    programme = programme_or_404(programme_id)
    form = SettingsForm()
    concurrency.loaded_version(form, programme)
    if not form.is_submitted():
        form.min_age.data = rules.min_age(programme_id)
        form.pairing_weeks.data = weeks_setting(programme_id)
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            values = dict(programme.settings or {})
            values["matching"] = {**values.get("matching", {}),
                                  "min_age": form.min_age.data or 0,
                                  "pairing_weeks": form.pairing_weeks.data}
            programme.settings = values

        conflict = concurrency.save(programme, form, apply, {
            name: (lambda p, n=name: (p.settings or {}).get("matching", {}).get(n))
            for name in ("min_age", "pairing_weeks")})
        if conflict is None:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".settings", programme_id=programme_id))
    rows = competences(programme_id)
    used = dict(db.session.execute(
        db.select(ProfileCompetence.competence_id, db.func.count())
        .where(ProfileCompetence.competence_id.in_([c.id for c in rows] or [-1]))
        .group_by(ProfileCompetence.competence_id)).all())
    return render_template(
        "matching/settings.html", programme=programme, form=form, rows=rows, used=used,
        defaults=[] if rows else competence_slots(programme), add_form=CompetenceForm(),
        confirm=ConfirmForm(), conflict=conflict), concurrency.status(conflict)


def _competence(programme_id: int, competence_id: int) -> Competence:
    row = db.session.get(Competence, competence_id)
    if row is None or row.programme_id != programme_id:
        abort(404)
    return row


def _save_name(row: Competence | None, programme, name: str) -> bool:
    """Store a new or renamed competence; False when the name is taken."""
    taken = db.session.scalar(db.select(db.func.count()).select_from(Competence).where(
        Competence.programme_id == programme.id,
        db.func.lower(Competence.name) == name.lower(),
        Competence.id != (row.id if row else -1)))
    if taken:
        return False
    if row is None:
        position = len(ensure_competences(programme))
        db.session.add(Competence(programme_id=programme.id, name=name, position=position))
    else:
        row.name = name
    try:
        db.session.commit()
    except IntegrityError:  # the same name saved by someone else a moment ago
        db.session.rollback()
        return False
    return True


@bp.route("/p/<int:programme_id>/matching/competences", methods=["POST"])
@capability_required("matching.manage")
def competence_add(programme_id: int):
    """Add a competence to the programme's list."""
    programme = programme_or_404(programme_id)
    form = CompetenceForm()
    if not form.validate_on_submit():
        flash(_("Give the competence a name (at most 120 characters)."), "error")
    elif _save_name(None, programme, form.name.data.strip()):
        flash(_("Competence added."), "success")
    else:
        flash(_("The list already has a competence with this name."), "error")
    return redirect(url_for(".settings", programme_id=programme_id) + "#competences")


@bp.route("/p/<int:programme_id>/matching/competences/defaults", methods=["POST"])
@capability_required("matching.manage")
def competence_defaults(programme_id: int):
    """Store the default competence list so managers can edit it."""
    programme = programme_or_404(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ensure_competences(programme)
    db.session.commit()
    flash(_("The default list is saved; edit it as you like."), "success")
    return redirect(url_for(".settings", programme_id=programme_id) + "#competences")


@bp.route("/p/<int:programme_id>/matching/competences/<int:competence_id>",
          methods=["POST"])
@capability_required("matching.manage")
def competence_rename(programme_id: int, competence_id: int):
    """Rename a competence; profiles keep it."""
    programme = programme_or_404(programme_id)
    row = _competence(programme_id, competence_id)
    form = CompetenceForm()
    if not form.validate_on_submit():
        flash(_("Give the competence a name (at most 120 characters)."), "error")
    elif _save_name(row, programme, form.name.data.strip()):
        flash(_("Competence renamed."), "success")
    else:
        flash(_("The list already has a competence with this name."), "error")
    return redirect(url_for(".settings", programme_id=programme_id) + "#competences")


@bp.route("/p/<int:programme_id>/matching/competences/<int:competence_id>/delete",
          methods=["GET", "POST"])
@capability_required("matching.manage")
def competence_delete(programme_id: int, competence_id: int):
    """Remove a competence after confirmation; profiles lose it."""
    row = _competence(programme_id, competence_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        db.session.delete(row)
        db.session.commit()
        flash(_("Competence removed."), "success")
        return redirect(url_for(".settings", programme_id=programme_id) + "#competences")
    used = db.session.scalar(db.select(db.func.count()).select_from(ProfileCompetence).where(
        ProfileCompetence.competence_id == row.id))
    return render_template(
        "confirm.html", form=form,
        question=_("Remove “%(name)s” from the list? Profiles that mention it (%(n)s) will "
                   "lose it.", name=row.name, n=used),
        cancel=url_for(".settings", programme_id=programme_id))


@bp.route("/p/<int:programme_id>/matching/cohort")
@capability_required("matching.manage")
def cohort_view(programme_id: int):
    """Proposed pairs for every unpaired mentee, each explained."""
    programme = programme_or_404(programme_id)
    return render_template("matching/cohort.html", programme=programme,
                           rows=cohort(programme), kinds=KIND_LABELS, confirm=ConfirmForm())


@bp.route("/p/<int:programme_id>/matching/cohort", methods=["POST"])
@capability_required("matching.manage")
def cohort_confirm(programme_id: int):
    """Form the ticked pairs, each checked again against the rules."""
    programme = programme_or_404(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pairs = []
    for value in request.form.getlist("pair"):
        mentee_id, _sep, mentor_id = value.partition(":")
        if mentee_id.isdigit() and mentor_id.isdigit():
            pairs.append((int(mentee_id), int(mentor_id)))
    if not pairs:
        flash(_("Tick at least one proposed pair."), "error")
        return redirect(url_for(".cohort_view", programme_id=programme_id))
    users = {u.id: u for u in db.session.scalars(db.select(User).where(
        User.id.in_({i for pair in pairs for i in pair})))}
    formed, refused = 0, []
    for mentee_id, mentor_id in pairs:
        mentee, mentor = users.get(mentee_id), users.get(mentor_id)
        if mentee is None or mentor is None:
            continue
        try:
            # pair() checks everything before it writes, so a refusal leaves
            # the pairs already formed in this batch untouched
            rules.pair(programme, mentee, mentor, current(),
                       group=default_group(programme_id, mentor_id))
            formed += 1
        except MatchingError as err:
            refused.append(f"{mentee.name} – {mentor.name}: {err}")
    db.session.commit()
    if formed:
        flash(ngettext("%(num)d pair confirmed; it has its mentoring group.",
                       "%(num)d pairs confirmed; each has its mentoring group.", formed),
              "success")
    for line in refused:
        flash(line, "error")
    return redirect(url_for(".cohort_view", programme_id=programme_id))
