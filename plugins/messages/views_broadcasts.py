"""Pages of broadcasts: the announcements inbox, one announcement, sending one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.models import Programme
from core.permissions import can, capability_required
from core.views.helpers import get_or_404, paginate
from plugins.messages.blueprint import bp
from plugins.messages.forms import BroadcastForm
from plugins.messages.models import Broadcast, Delivery
from plugins.messages.services import broadcasts as svc


@bp.route("/p/<int:programme_id>/announcements")
@capability_required("messages.use")
def announcements(programme_id: int):
    """Broadcasts the user received in the programme; for staff, those they sent."""
    programme = get_or_404(Programme, programme_id)
    page = paginate(
        db.select(Delivery)
        .where(Delivery.user_id == current_user.id, Delivery.programme_id == programme_id)
        .options(joinedload(Delivery.broadcast).joinedload(Broadcast.sender))
        .order_by(Delivery.id.desc()))
    may_send = bool(svc.audience_choices(current_user, programme_id))
    sent = []
    if may_send:
        sent = db.session.scalars(
            db.select(Broadcast).where(Broadcast.programme_id == programme_id,
                                       Broadcast.sender_id == current_user.id)
            .options(joinedload(Broadcast.group))
            .order_by(Broadcast.id.desc()).limit(10)).all()
    return render_template("messages/announcements.html", programme=programme, page=page,
                           may_send=may_send, sent=sent, audience_label=svc.audience_label)


@bp.route("/p/<int:programme_id>/announcements/<int:broadcast_id>")
@capability_required("messages.use")
def announcement(programme_id: int, broadcast_id: int):
    """One broadcast, for its recipients, its sender and the programme's managers."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.programme_id != programme_id:
        abort(404)
    delivery = db.session.scalar(db.select(Delivery).where(
        Delivery.broadcast_id == broadcast.id, Delivery.user_id == current_user.id))
    if (delivery is None and broadcast.sender_id != current_user.id
            and not can(current_user, "messages.broadcast_programme", programme_id)):
        abort(404)
    svc.mark_delivery_read(delivery)
    return render_template("messages/announcement.html",
                           programme=db.session.get(Programme, programme_id),
                           broadcast=broadcast, audience=svc.audience_label(broadcast))


@bp.route("/p/<int:programme_id>/announcements/new", methods=["GET", "POST"])
@capability_required("messages.broadcast")
def new_broadcast(programme_id: int):
    """Send a message to the whole programme, a role or a group (as allowed)."""
    programme = get_or_404(Programme, programme_id)
    choices = svc.audience_choices(current_user, programme_id)
    if not choices:
        abort(404)
    form = BroadcastForm()
    form.audience.choices = choices
    if request.method == "GET" and request.args.get("audience"):
        form.audience.data = request.args["audience"]
    status = 200
    if form.validate_on_submit():
        parsed = svc.parse_audience(form.audience.data, programme_id)
        if parsed is None or not svc.may_send(current_user, programme_id, parsed[0],
                                              parsed[2]):
            form.audience.errors = [_("You cannot send a message to this audience.")]
            status = 403
        else:
            broadcast = svc.send_broadcast(current_user, programme_id, *parsed,
                                           form.subject.data.strip(), form.body.data.strip())
            if broadcast is None:
                form.audience.errors = [_("Nobody is in this audience yet.")]
                status = 400
            else:
                flash(ngettext("Your message was sent to %(num)d person.",
                               "Your message was sent to %(num)d people.",
                               broadcast.recipient_count), "success")
                return redirect(url_for(".announcement", programme_id=programme_id,
                                        broadcast_id=broadcast.id))
    elif request.method == "POST":
        status = 400
    return render_template("messages/broadcast_form.html", programme=programme,
                           form=form), status
