"""Chat pages: the room (live with JavaScript, a plain form without), removal,
and transcripts by day with text and CSV exports."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.activities import activity_or_404, current_group, groups_for
from core.extensions import db
from core.models import Activity
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from plugins.chat import services
from plugins.chat.blueprint import bp
from plugins.chat.exports import to_csv, to_text
from plugins.chat.forms import MessageForm, new_client_id
from plugins.chat.live import broadcast, status
from plugins.chat.models import ChatMessage
from plugins.chat.presence import presence
from plugins.chat.rooms import ACTIVITY_TYPE, Room


def _page_room(activity_id: int, capability: str) -> tuple[Activity, Room | None]:
    """The activity and the room the page is about; None for a separate chat when
    the user has no group. 404 for anything the user may not open."""
    activity = activity_or_404(activity_id, ACTIVITY_TYPE)
    group = current_group(activity)
    if activity.separate and group is None:
        return activity, None
    room = Room(activity, group)
    if not room.allows(capability):
        abort(404)
    return activity, room


def _client_texts() -> dict[str, str]:
    """Sentences the chat script shows, in the reader's language."""
    return {
        "sending": _("sending…"), "sent": _("sent"), "failed": _("not sent"),
        "retrying": _("not sent — will retry"),
        "retry": _("Send again"), "remove": _("Remove"), "removed": _("This message was removed."),
        "confirm_remove": _("Remove this message for everyone?"),
        "joined": _("%(name)s joined the chat."), "left": _("%(name)s left the chat."),
        "connecting": _("Connecting to the live chat…"),
        "empty": _("Write a message first."),
        "reconnecting": _("Connection lost. Reconnecting… Messages you write are kept and "
                          "sent when the connection is back."),
        "degraded": _("The live chat is running with reduced service: some people may see "
                      "new messages late. Nothing you send is lost."),
        "refused": _("You can no longer take part in this chat. Reload the page."),
        "nobody": _("Nobody else is here."), "earlier": _("Show earlier messages"),
        "you": _("you"),
    }


def _render_room(activity: Activity, room: Room | None, form: MessageForm | None = None,
                 error: str | None = None, code: int = 200) -> Any:
    before = request.args.get("before", type=int)
    messages, more = services.history(room, before) if room else ([], False)
    if form is None:
        form = MessageForm(client_id=new_client_id())
    groups = groups_for(activity) if activity.separate else []
    return render_template(
        "chat/room.html", programme=activity.programme, activity=activity, room=room,
        groups=groups, messages=messages, more=more, before=before, form=form, error=error,
        users=presence.members(room.key) if room else [], state=status(),
        max_length=services.MAX_LENGTH, texts=_client_texts(), sync_moment=services.sync_moment(),
        can_post=bool(room and room.allows("chat.post")),
        can_moderate=bool(room and room.allows("chat.moderate")),
        can_transcripts=bool(room and room.allows("chat.transcripts")),
    ), code


@bp.route("/<int:activity_id>")
@capability_required("chat.view")
def room(activity_id: int):
    """The chat room: the latest messages, who is here, and the message form."""
    activity, chat_room = _page_room(activity_id, "chat.view")
    return _render_room(activity, chat_room)


@bp.route("/<int:activity_id>/messages", methods=["POST"])
@capability_required("chat.post")
def post(activity_id: int):
    """Post a message with the plain form (the page works without JavaScript)."""
    activity, chat_room = _page_room(activity_id, "chat.post")
    if chat_room is None:
        abort(404)
    form = MessageForm()
    if not form.validate_on_submit():
        return _render_room(activity, chat_room, form,
                            _("The form had expired. Your text is still here: send it again."),
                            400)
    try:
        message, created = services.post_message(chat_room, current_user, form.body.data,
                                                 form.client_id.data)
    except services.ChatError as err:
        if err.code == "bad_request":
            form.client_id.data = new_client_id()
        return _render_room(activity, chat_room, form, err.message,
                            429 if err.code == "rate_limited" else 400)
    if created:
        broadcast("message", services.as_dict(message), chat_room.key)
    return redirect(url_for(".room", **chat_room.url_args()) + f"#m{message.id}")


@bp.route("/<int:activity_id>/messages/<int:message_id>/remove", methods=["GET", "POST"])
@capability_required("chat.moderate")
def remove(activity_id: int, message_id: int):
    """Remove a message after confirmation; it stays in the record as removed."""
    activity, chat_room = _page_room(activity_id, "chat.moderate")
    message = db.session.get(ChatMessage, message_id)
    if chat_room is None or message is None or message.room != chat_room.key:
        abort(404)
    back = url_for(".room", **chat_room.url_args()) + f"#m{message.id}"
    form = ConfirmForm()
    if form.validate_on_submit():
        services.remove_message(chat_room, message.id, current_user)
        broadcast("removed", {"id": message.id}, chat_room.key)
        return redirect(back)
    return render_template(
        "confirm.html", form=form, programme=activity.programme, cancel=back,
        question=_("Remove the message of %(name)s (“%(text)s”) for everyone? It stays in the "
                   "transcript, marked as removed.",
                   name=message.author.name if message.author else _("deleted user"),
                   text=message.body[:80] + ("…" if len(message.body) > 80 else "")),
    )


@bp.route("/<int:activity_id>/transcripts")
@capability_required("chat.transcripts")
def transcripts(activity_id: int):
    """The days on which the room was used, each with its transcript."""
    activity, chat_room = _page_room(activity_id, "chat.transcripts")
    return render_template(
        "chat/transcripts.html", programme=activity.programme, activity=activity,
        room=chat_room, groups=groups_for(activity) if activity.separate else [],
        days=services.days(chat_room) if chat_room else [],
    )


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(404)


@bp.route("/<int:activity_id>/transcripts/<day>")
@capability_required("chat.transcripts")
def transcript(activity_id: int, day: str):
    """Every message of one day, removed ones marked."""
    activity, chat_room = _page_room(activity_id, "chat.transcripts")
    if chat_room is None:
        abort(404)
    when = _day(day)
    return render_template(
        "chat/transcript.html", programme=activity.programme, activity=activity,
        room=chat_room, day=when, messages=services.day_messages(chat_room, when),
    )


@bp.route("/<int:activity_id>/transcripts/<day>/export.<any(txt, csv):fmt>")
@capability_required("chat.transcripts")
def export(activity_id: int, day: str, fmt: str):
    """One day's transcript as a text or CSV file."""
    activity, chat_room = _page_room(activity_id, "chat.transcripts")
    if chat_room is None:
        abort(404)
    when = _day(day)
    messages = services.day_messages(chat_room, when)
    title = activity.title + (f" — {chat_room.group.name}" if chat_room.group else "")
    name = f"chat-{chat_room.key}-{when}"
    if fmt == "csv":
        body, mimetype = to_csv(messages), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_text(title, when, messages).encode("utf-8"), "text/plain; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
