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
from plugins.messages.services.conversations import unread_total, unread_totals
from plugins.messages.services.nudges import recent_in

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


def widgets(programmes: list[Any], user: Any) -> list[Widget]:
    """Unread messages for everyone; recent reminders for inactivity for managers; in
    each programme, with the same queries for all programmes."""
    using = [p for p in programmes if can(user, "messages.use", p)]
    nudging = [p for p in programmes if can(user, "messages.manage_nudges", p)]
    unread = unread_totals(user.id, [p.id for p in using]) if using else {}
    reminders = (recent_in([p.id for p in nudging], utcnow() - timedelta(days=RECENT_DAYS), 8)
                 if nudging else {})
    out = []
    for programme in programmes:
        if n := unread.get(programme.id):
            out.append(Widget(_("Messages"), Markup(render_template(
                "messages/widget_unread.html", programme=programme, count=n)), 15,
                programme))
        if rows := reminders.get(programme.id):
            out.append(Widget(_("Reminders for inactivity"), Markup(render_template(
                "messages/widget_reminders.html", programme=programme, rows=rows)), 60,
                programme))
    return out
