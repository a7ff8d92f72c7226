"""Pages of private conversations: the inbox, one conversation, a new message, files."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from core import storage
from core.extensions import db
from core.models import Membership, Programme, User
from core.permissions import capability_required
from core.views.helpers import get_or_404, paginate
from plugins.messages.blueprint import bp
from plugins.messages.forms import NewConversationForm, ReplyForm
from plugins.messages.models import Block, Conversation, Delivery, Message, Participant
from plugins.messages.services import conversations as svc

PER_PAGE = 30


@bp.route("/p/<int:programme_id>")
@capability_required("messages.use")
def inbox(programme_id: int):
    """The user's conversations in the programme, newest first, with unread counts."""
    programme = get_or_404(Programme, programme_id)
    mine = db.select(Participant.conversation_id).where(Participant.user_id == current_user.id)
    page = paginate(
        db.select(Conversation)
        .where(Conversation.programme_id == programme_id, Conversation.id.in_(mine))
        .options(selectinload(Conversation.participants).joinedload(Participant.user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()))
    unread = svc.unread_by_conversation(current_user.id, [c.id for c in page.items])
    unread_broadcasts = db.session.scalar(db.select(db.func.count(Delivery.id)).where(
        Delivery.user_id == current_user.id, Delivery.programme_id == programme_id,
        Delivery.read_at.is_(None)))
    return render_template("messages/inbox.html", programme=programme, page=page,
                           unread=unread, unread_broadcasts=unread_broadcasts)


def _render_conversation(conv: Conversation, form: ReplyForm, refusal: str | None = None,
                         status: int = 200):
    programme = db.session.get(Programme, conv.programme_id)
    page = paginate(
        db.select(Message).where(Message.conversation_id == conv.id)
        .options(joinedload(Message.author), joinedload(Message.attachment))
        .order_by(Message.id.desc()), per_page=PER_PAGE)
    others = [p.user for p in conv.participants if p.user_id != current_user.id]
    i_blocked = set(db.session.scalars(db.select(Block.blocked_id).where(
        Block.blocker_id == current_user.id,
        Block.blocked_id.in_([u.id for u in others] or [-1]))))
    return render_template(
        "messages/conversation.html", programme=programme, conversation=conv, form=form,
        page=page, items=list(reversed(page.items)), others=others, i_blocked=i_blocked,
        refusal=refusal), status


@bp.route("/p/<int:programme_id>/c/<int:conversation_id>", methods=["GET", "POST"])
@capability_required("messages.use")
def conversation(programme_id: int, conversation_id: int):
    """Read a conversation (which marks it read) and answer in it."""
    conv = svc.conversation_or_404(programme_id, conversation_id, current_user)
    form = ReplyForm()
    if request.method == "GET":
        svc.mark_read(conv, current_user)
        return _render_conversation(conv, form)
    if not form.validate_on_submit():
        return _render_conversation(conv, form, status=400)
    try:
        svc.post_message(conv, programme_id, current_user, form.body.data.strip(),
                         request.files.get("attachment"))
    except svc.MessageRefused as err:
        return _render_conversation(conv, form, refusal=str(err), status=403)
    except storage.UploadError as err:
        form.attachment.errors = [str(err)]
        return _render_conversation(conv, form, status=err.status)
    flash(_("Message sent."), "success")
    return redirect(url_for(".conversation", programme_id=programme_id,
                            conversation_id=conv.id) + "#reply")


def _members(programme_id: int) -> list[User]:
    return list(db.session.scalars(
        db.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == programme_id, User.id != current_user.id,
               User.active.is_(True), User.erased.is_(False))
        .order_by(User.display_name, User.id)))


@bp.route("/p/<int:programme_id>/new", methods=["GET", "POST"])
@capability_required("messages.use")
def new(programme_id: int):
    """Write to another member of the programme (continuing an earlier conversation)."""
    programme = get_or_404(Programme, programme_id)
    members = _members(programme_id)
    form = NewConversationForm()
    form.recipient.choices = [(0, _("Choose a person"))] + [(u.id, u.name) for u in members]
    if request.method == "GET":
        form.recipient.data = request.args.get("to", type=int) or 0
    refusal, status = None, 200
    if form.validate_on_submit():
        recipient = next((u for u in members if u.id == form.recipient.data), None)
        if recipient is None:
            form.recipient.errors = [_("You can only write to members of this programme.")]
            status = 400
        else:
            conv = svc.find_pair(programme_id, current_user.id, recipient.id)
            try:
                message = svc.post_message(conv, programme_id, current_user,
                                           form.body.data.strip(),
                                           request.files.get("attachment"), recipient=recipient)
            except svc.MessageRefused as err:
                refusal, status = str(err), 403
            except storage.UploadError as err:
                form.attachment.errors = [str(err)]
                status = err.status
            else:
                flash(_("Message sent."), "success")
                return redirect(url_for(".conversation", programme_id=programme_id,
                                        conversation_id=message.conversation_id) + "#reply")
    elif request.method == "POST":
        status = 400
    return render_template("messages/new.html", programme=programme, form=form,
                           refusal=refusal, has_members=bool(members)), status


@bp.route("/p/<int:programme_id>/c/<int:conversation_id>/files/<int:message_id>")
@capability_required("messages.use")
def attachment(programme_id: int, conversation_id: int, message_id: int):
    """A message's attached file, for the conversation's participants only."""
    conv = svc.conversation_or_404(programme_id, conversation_id, current_user)
    message = db.session.get(Message, message_id)
    if message is None or message.conversation_id != conv.id or message.attachment is None:
        abort(404)
    return storage.serve(message.attachment)
