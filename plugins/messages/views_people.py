"""A member's message settings: e-mail preference, blocking and reporting people."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core import concurrency
from core.events import emit
from core.extensions import db
from core.models import Programme, User
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404
from plugins.messages.blueprint import bp
from plugins.messages.forms import PreferenceForm, ReportForm
from plugins.messages.models import Preference, Report
from plugins.messages.services import conversations as svc
from plugins.messages.services.common import email_preferences, is_member


@bp.route("/p/<int:programme_id>/settings", methods=["GET", "POST"])
@capability_required("messages.use")
def preferences(programme_id: int):
    """How often to be e-mailed in this programme, and the people one has blocked."""
    programme = get_or_404(Programme, programme_id)
    current = email_preferences([current_user.id], programme_id)[current_user.id]
    form = PreferenceForm(data={"email": current} if request.method == "GET" else None)
    key = (current_user.id, programme_id)
    saved = db.session.get(Preference, key)
    concurrency.loaded_version(form, saved, ("email",))
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            row = saved
            if row is None:
                row = Preference(user_id=current_user.id, programme_id=programme_id)
                db.session.add(row)
            row.email = form.email.data

        conflict = concurrency.save(saved, form, apply, {"email": "email"},
                                    races=(IntegrityError,),
                                    reload=lambda: db.session.get(Preference, key),
                                    fields=("email",))
        if conflict is None:
            flash(_("Your message settings are saved."), "success")
            return redirect(url_for(".preferences", programme_id=programme_id))
    return render_template("messages/preferences.html", programme=programme, form=form,
                           blocks=svc.blocked_users(current_user), conflict=conflict
                           ), concurrency.status(conflict)


def _member_or_404(programme_id: int, user_id: int) -> User:
    """Another member of the programme, or 404."""
    user = db.session.get(User, user_id)
    if user is None or user.id == current_user.id or not is_member(user.id, programme_id):
        abort(404)
    return user


@bp.route("/p/<int:programme_id>/block/<int:user_id>", methods=["GET", "POST"])
@capability_required("messages.use")
def block(programme_id: int, user_id: int):
    """Block a member after confirmation: they can no longer write to you."""
    user = _member_or_404(programme_id, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        svc.block(current_user, user)
        flash(_("You have blocked %(name)s.", name=user.name), "success")
        return redirect(url_for(".preferences", programme_id=programme_id))
    return render_template(
        "confirm.html", form=form, programme=get_or_404(Programme, programme_id),
        question=_("Block %(name)s? They will not be able to send you private messages, and "
                   "you will not be able to write to them until you unblock them. "
                   "Announcements to the whole programme or group still reach you.",
                   name=user.name),
        cancel=url_for(".inbox", programme_id=programme_id))


@bp.route("/p/<int:programme_id>/unblock/<int:user_id>", methods=["POST"])
@capability_required("messages.use")
def unblock(programme_id: int, user_id: int):
    """Lift a block on a member of the programme."""
    _member_or_404(programme_id, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if svc.unblock(current_user, user_id):
        flash(_("The block is lifted."), "success")
    return redirect(url_for(".preferences", programme_id=programme_id))


@bp.route("/p/<int:programme_id>/report/<int:user_id>", methods=["GET", "POST"])
@capability_required("messages.use")
def report(programme_id: int, user_id: int):
    """Report a member to the programme's managers, who get an e-mail."""
    programme = get_or_404(Programme, programme_id)
    user = _member_or_404(programme_id, user_id)
    form = ReportForm()
    if form.validate_on_submit():
        row = Report(programme_id=programme_id, reporter_id=current_user.id,
                     reported_id=user.id, details=form.details.data.strip())
        db.session.add(row)
        db.session.flush()
        # no programme on the event: reports stay out of everyone's "what is new"
        emit("user_reported", actor=current_user, obj=row,
             data={"report_id": row.id, "programme_id": programme_id})
        db.session.commit()
        flash(_("Thank you. The managers of the programme have been told."), "success")
        return redirect(url_for(".inbox", programme_id=programme_id))
    return render_template("messages/report_form.html", programme=programme, form=form,
                           user=user), 400 if form.errors else 200
