"""Chat: live group chat rooms that lose nothing, with presence, moderation and transcripts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import ActivityType, Capability, EventType
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})


@hookimpl
def register_models():
    """Chat messages."""
    from plugins.chat.models import MODELS

    return MODELS


@hookimpl
def register_blueprints():
    """The chat pages; also attaches the ``/chat`` Socket.IO handlers to the app's
    Socket.IO server (created just before by the core)."""
    from plugins.chat import views  # noqa: F401  (registers the routes)
    from plugins.chat.blueprint import bp
    from plugins.chat.sockets import install

    install()
    return [bp]


@hookimpl
def register_capabilities():
    """Reading, writing, moderating and transcripts."""
    return [
        Capability("chat.view", _l("Join a chat room and read its messages"), ALL, "group"),
        Capability("chat.post", _l("Write in a chat room"), ALL, "group", writes=True),
        Capability("chat.moderate", _l("Remove messages from a chat room"), STAFF, "group"),
        Capability("chat.transcripts", _l("Read and download chat transcripts"), STAFF,
                   "group"),
    ]


@hookimpl
def register_activity_types():
    """The chat room, shared by the programme or separate per group."""
    return [ActivityType(
        name="chat.room", plugin="chat", label=_l("Chat room"), endpoint="chat.room",
        description=_l("Live chat for remote and blended sessions, with transcripts."),
    )]


@hookimpl
def register_events():
    """Phrases for the chat's events."""
    return [
        EventType("chat_message_sent", _l("wrote in a chat"), ("activity_id",)),
        EventType("chat_message_removed", _l("removed a chat message"), ("activity_id",)),
    ]


@hookimpl
def slot_group_page(group, user):
    """Links to the group's own spaces in separate chat rooms."""
    from plugins.chat.hooks import group_links

    return group_links(group, user)


@hookimpl
def on_event(event):
    """Someone removed from a group leaves its chat rooms at once."""
    if event.name == "group_member_removed" and event.group_id and event.object_id:
        from plugins.chat.hooks import kick

        kick(event.object_id, event.group_id)


@hookimpl
def export_user_data(user):
    """The messages the user wrote."""
    from plugins.chat.privacy import export

    return export(user)


@hookimpl
def erase_user_data(user):
    """Messages stay for the group; their author then shows as "deleted user"."""
    from plugins.chat.privacy import erase

    erase(user)


@hookimpl
def demo_data(programme, users):
    """A group chat in the initial section with a first conversation in each group."""
    from plugins.chat.demo import build

    build(programme, users)

