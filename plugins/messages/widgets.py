"""Dashboard widgets and the navigation link of the messages plugin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from core.declarations import NavItem, Widget
from core.models import utcnow
from core.permissions import can
from plugins.messages.services.conversations import unread_total
from plugins.messages.services.nudges import recent

RECENT_DAYS = 30


def nav(programme: Any, user: Any) -> list[NavItem]:
    """"Messages", with the number of unread messages and announcements."""
    if not can(user, "messages.use", programme):
        return []
    n = unread_total(user.id, programme.id)
    label = _("Messages")
    if n:
        label = ngettext("Messages (%(num)d unread)", "Messages (%(num)d unread)", n)
    return [NavItem(label, url_for("messages.inbox", programme_id=programme.id), 30)]


def widgets(programme: Any, user: Any) -> list[Widget]:
    """Unread messages for everyone; recent reminders for inactivity for managers."""
    out = []
    if can(user, "messages.use", programme):
        n = unread_total(user.id, programme.id)
        if n:
            out.append(Widget(_("Messages"), Markup(render_template(
                "messages/widget_unread.html", programme=programme, count=n)), 15))
    if can(user, "messages.manage_nudges", programme):
        rows = recent(programme.id, utcnow() - timedelta(days=RECENT_DAYS), 8)
        if rows:
            out.append(Widget(_("Reminders for inactivity"), Markup(render_template(
                "messages/widget_reminders.html", programme=programme, rows=rows)), 60))
    return out
