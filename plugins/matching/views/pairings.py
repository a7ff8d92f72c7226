"""Pairings: the list, the shared space of one pairing and its life cycle. Once a
pairing or its programme has ended, both sides can still read it but not write."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from core import storage
from core.events import emit
from core.extensions import db
from core.permissions import can, capability_required
from core.storage import UploadError
from core.text import render_markdown
from core.views.forms import ConfirmForm
from core.views.helpers import paginate
from plugins.matching.forms import ExtendForm, MessageForm
from plugins.matching.models import RUNNING, Pairing, PairingMessage
from plugins.matching.services import pairings as life
from plugins.matching.views.common import bp, current, programme_or_404


@bp.route("/p/<int:programme_id>/matching/pairings")
@capability_required("matching.follow")
def pairings_list(programme_id: int):
    """The user's pairings (every pairing for managers)."""
    programme = programme_or_404(programme_id)
    user = current()
    stmt = (db.select(Pairing).where(Pairing.programme_id == programme_id)
            .options(joinedload(Pairing.mentor), joinedload(Pairing.mentee),
                     joinedload(Pairing.group))
            .order_by(Pairing.id.desc()))
    if not can(user, "matching.manage", programme_id):
        stmt = stmt.where(db.or_(Pairing.mentor_id == user.id, Pairing.mentee_id == user.id))
    return render_template("matching/pairings.html", programme=programme,
                           page=paginate(stmt))


def _pairing(programme_id: int, pairing_id: int) -> tuple[Pairing, str | None, bool]:
    """A pairing the current user may read; their side (or None) and whether they manage."""
    pairing = db.session.get(Pairing, pairing_id)
    if pairing is None or pairing.programme_id != programme_id:
        abort(404)
    user = current()
    side = life.role_in_pairing(pairing, user)
    manage = can(user, "matching.manage", programme_id)
    if side is None and not manage:
        abort(404)
    return pairing, side, manage


def _writable_or_403(pairing: Pairing, side: str | None) -> None:
    if side is None:
        abort(403)
    if not life.is_running(pairing):
        abort(403, description=_("This pairing has ended. Everything shared stays readable, "
                                 "but nothing new can be added."))


def _space(pairing: Pairing, side: str | None, manage: bool, form: MessageForm | None = None):
    stmt = (db.select(PairingMessage).where(PairingMessage.pairing_id == pairing.id)
            .options(joinedload(PairingMessage.author), joinedload(PairingMessage.file))
            .order_by(PairingMessage.id))
    return render_template(
        "matching/pairing.html", programme=programme_or_404(pairing.programme_id),
        pairing=pairing, page=paginate(stmt), side=side, manage=manage,
        running=life.is_running(pairing), form=form or MessageForm(),
        extend_form=ExtendForm(), confirm=ConfirmForm())


@bp.route("/p/<int:programme_id>/matching/pairings/<int:pairing_id>")
@capability_required("matching.follow")
def pairing_view(programme_id: int, pairing_id: int):
    """A pairing's shared space; readable after the pairing ended."""
    pairing, side, manage = _pairing(programme_id, pairing_id)
    return _space(pairing, side, manage)


@bp.route("/p/<int:programme_id>/matching/pairings/<int:pairing_id>/messages",
          methods=["POST"])
@capability_required("matching.follow")
def pairing_post(programme_id: int, pairing_id: int):
    """Share a message (and a file) while the pairing runs."""
    pairing, side, manage = _pairing(programme_id, pairing_id)
    _writable_or_403(pairing, side)
    form = MessageForm()
    if not form.validate_on_submit():
        return _space(pairing, side, manage, form), 400
    stored = None
    upload = request.files.get("attachment")
    if upload is not None and upload.filename:
        try:
            stored = storage.save_upload(upload, plugin="matching", programme=programme_id,
                                         user=current())
        except UploadError as err:
            form.attachment.errors.append(str(err))
            return _space(pairing, side, manage, form), err.status
    try:
        if stored is not None:
            db.session.flush()
        message = PairingMessage(pairing_id=pairing.id, author_id=current().id,
                                 body_source=form.body.data,
                                 body_html=render_markdown(form.body.data),
                                 file_id=stored.id if stored else None)
        db.session.add(message)
        db.session.flush()
        # private to the pair: no programme or group, so it stays out of "what is new"
        emit("pairing_message_posted", actor=current(), obj=message,
             data={"programme_id": programme_id, "group_id": pairing.group_id})
        db.session.commit()
    except Exception:
        db.session.rollback()
        if stored is not None:
            storage.discard([stored])
        raise
    count = db.session.scalar(db.select(db.func.count()).select_from(PairingMessage).where(
        PairingMessage.pairing_id == pairing.id))
    last = (count - 1) // current_app.config["PAGE_SIZE"] + 1
    return redirect(url_for(".pairing_view", programme_id=programme_id, pairing_id=pairing.id,
                            page=last) + f"#message-{message.id}")


@bp.route("/p/<int:programme_id>/matching/pairings/<int:pairing_id>/files/<int:message_id>")
@capability_required("matching.follow")
def pairing_file(programme_id: int, pairing_id: int, message_id: int):
    """A file shared in the pairing, for its two sides and managers."""
    pairing, _side, _manage = _pairing(programme_id, pairing_id)
    message = db.session.get(PairingMessage, message_id)
    if message is None or message.pairing_id != pairing.id or message.file is None:
        abort(404)
    return storage.serve(message.file)


@bp.route("/p/<int:programme_id>/matching/pairings/<int:pairing_id>/extend",
          methods=["POST"])
@capability_required("matching.follow")
def pairing_extend(programme_id: int, pairing_id: int):
    """Extend a pairing by some weeks (mentor or manager)."""
    pairing, side, manage = _pairing(programme_id, pairing_id)
    if side != "mentor" and not manage:
        abort(403)
    if pairing.status not in RUNNING and not manage:
        abort(403)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(_("Extend by 1 to 52 weeks."), "error")
    else:
        life.extend(pairing, form.weeks.data, current())
        db.session.commit()
        flash(_("The pairing now runs until %(date)s.", date=pairing.ends_on.isoformat()),
              "success")
    return redirect(url_for(".pairing_view", programme_id=programme_id, pairing_id=pairing.id))


@bp.route("/p/<int:programme_id>/matching/pairings/<int:pairing_id>/end/<status>",
          methods=["GET", "POST"])
@capability_required("matching.follow")
def pairing_end(programme_id: int, pairing_id: int, status: str):
    """Complete or close a pairing after confirmation."""
    pairing, side, manage = _pairing(programme_id, pairing_id)
    # either side may close early; completing is for the mentor and managers
    if status not in ("completed", "closed") or pairing.status not in RUNNING:
        abort(404)
    if (side is None and not manage) or (status == "completed" and side == "mentee"):
        abort(403)
    form = ConfirmForm()
    back = url_for(".pairing_view", programme_id=programme_id, pairing_id=pairing.id)
    if form.validate_on_submit():
        life.end(pairing, status, current())
        db.session.commit()
        flash(_("The pairing has ended. What you shared stays readable."), "success")
        return redirect(back)
    other = pairing.mentee if side == "mentor" else pairing.mentor
    question = (_("Mark the pairing of %(mentor)s and %(mentee)s as completed? Both keep "
                  "read-only access to what they shared.", mentor=pairing.mentor.name,
                  mentee=pairing.mentee.name) if status == "completed" else
                _("Close the pairing with %(name)s now? Both keep read-only access to what "
                  "you shared.", name=other.name))
    return render_template("confirm.html", form=form, question=question, cancel=back)
