"""The dashboard widget and the progress shown under a lesson on the course page."""

from __future__ import annotations

from typing import Any

from flask import get_template_attribute, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from core.declarations import Widget
from core.permissions import can, role_in
from plugins.lessons.models import TYPE
from plugins.lessons.services.catalogue import track_label
from plugins.lessons.services.overview import course_views, lesson_figures


def dashboard(programmes: list[Any], user: Any) -> list[Widget]:
    """In each programme: progress in the user's own track with its lessons, then the
    other tracks (the same queries for all programmes)."""
    readable = [p for p in programmes if can(user, "lessons.read", p)]
    views = course_views(readable, user, include_hidden=False) if readable else {}
    out = []
    for programme in readable:
        view = views[programme.id]
        if view["empty"]:
            continue
        html = render_template(
            "lessons/widget.html", programme=programme, tracks=view["tracks"],
            role=role_in(user, programme.id), track_label=track_label,
            index_url=url_for("lessons.index", programme_id=programme.id))
        out.append(Widget(_("Training course"), Markup(html), order=40, programme=programme))
    return out


def footer(activity: Any, user: Any) -> Markup | None:
    """A lesson's progress bar for the user, below the lesson on the course page."""
    if activity.type != TYPE or not can(user, "lessons.read", activity.programme_id):
        return None
    fig = lesson_figures(activity.programme_id, user).get(activity.id)
    if fig is None or not fig.total:
        return None
    # a macro, not render_template: a course page calls this for every lesson, and the
    # footer needs none of the per-render template context
    return Markup(get_template_attribute("lessons/footer.html", "footer")(activity, fig))
