"""Messages: private conversations inside a programme, broadcasts from staff, daily
digests and friendly reminders for inactive mentors and mentees."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import Capability, EventType, Setting, UserData
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})
MANAGER = frozenset({"manager"})


@hookimpl
def register_models():
    """Conversations, messages, broadcasts, deliveries, preferences, blocks, reports
    and nudges."""
    from plugins.messages.models import MODELS

    return MODELS


@hookimpl
def register_blueprints():
    """The messages pages."""
    from plugins.messages import (  # noqa: F401  (registers the routes)
        views_broadcasts,
        views_conversations,
        views_manage,
        views_people,
    )
    from plugins.messages.blueprint import bp

    return [bp]


@hookimpl
def register_capabilities():
    """Who may write to whom."""
    return [
        Capability("messages.use", _l("Send and read private messages and announcements"),
                   ALL),
        Capability("messages.broadcast", _l("Send a message to a whole mentoring group"),
                   STAFF, "group", writes=True),
        Capability("messages.broadcast_programme",
                   _l("Send a message to the whole programme or to everyone with a role"),
                   MANAGER),
        Capability("messages.view_reports", _l("Read reports about members"), MANAGER),
        Capability("messages.manage_nudges",
                   _l("See reminders for inactivity and set when they are sent"), MANAGER),
    ]


@hookimpl
def register_settings():
    """Days without activity before a mentor or mentee gets a reminder."""
    return [Setting("inactive_days", "messages",
                    _l("Days without activity before a friendly reminder"), 21, int)]


@hookimpl
def register_cli():
    """``ementoring messages digest`` and ``ementoring messages nudge``."""
    from plugins.messages.cli import messages_group

    return [messages_group]


@hookimpl
def register_events():
    """Phrases for the plugin's events."""
    return [
        # private: counts as activity, never shown as news
        EventType("message_sent", None, ("conversation_id",)),
        EventType("broadcast_sent", _l("sent a message to several people")),
        EventType("user_reported", _l("reported a member"), ("report_id", "programme_id")),
    ]


@hookimpl
def nav_items(programme, user):
    """"Messages" with the unread count."""
    from plugins.messages.widgets import nav

    return nav(programme, user)


@hookimpl
def dashboard_widgets(programmes, user):
    """Unread messages; recent reminders for inactivity for managers; in each
    programme."""
    from plugins.messages.widgets import widgets

    return widgets(programmes, user)


@hookimpl
def on_event(event):
    """E-mail about new messages, broadcasts and reports, after their commit."""
    from core.plugins import registry
    from plugins.messages.services.mailing import handle

    if event.name == "user_reported":  # recorded without a programme; check it here
        if not registry().is_enabled(event.data.get("programme_id"), "messages"):
            return
    handle(event)


@hookimpl
def export_user_data(user):
    """The user's messages, broadcasts, settings, blocks and reports, with attachments."""
    from plugins.messages.privacy import export

    records, files = export(user)
    return UserData(plugin="messages", records=records, files=files)


@hookimpl
def erase_user_data(user):
    """Remove settings, blocks and inbox copies; messages stay as "deleted user"."""
    from plugins.messages.privacy import erase

    erase(user)


@hookimpl
def demo_data(programme, users):
    """Two conversations of the first mentor with their mentees and a broadcast from
    the manager."""
    from plugins.messages.demo import build

    build(programme, users)
