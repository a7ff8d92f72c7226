"""The blueprint and helpers shared by the forum's views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from core.activities import current_group, groups_for
from core.models import Activity
from core.permissions import public
from core.text import render_markdown
from plugins.forum.access import can_attach, can_moderate, can_start, is_announcements
from plugins.forum.services.subscriptions import state


class _Blueprint(Blueprint):
    """A blueprint whose static files (CSS, the live-preview script) anyone may fetch."""

    @public
    def send_static_file(self, filename: str):  # noqa: ANN201
        return super().send_static_file(filename)


bp = _Blueprint("forum", __name__, url_prefix="/forum",
                root_path=str(Path(__file__).resolve().parent.parent),
                template_folder="templates", static_folder="static",
                static_url_path="/forum-static")


def space(activity: Activity) -> tuple[Any, list[Any]]:
    """The group space being viewed (None when shared) and the groups one may switch to."""
    group = current_group(activity)
    groups = groups_for(activity) if activity.separate else []
    return group, groups


def render_form(template: str, activity: Activity, form: Any, **context: Any) -> str:
    """Render a post form; after "Preview" it shows the sanitised preview above it."""
    preview = None
    if form.is_submitted() and form.preview_requested and form.body.data:
        preview = render_markdown(form.body.data)
    return render_template(template, activity=activity, programme=activity.programme,
                           form=form, preview=preview, **context)


def forum_context(activity: Activity, group_id: int | None) -> dict[str, Any]:
    """What every forum page needs to know about the user's rights and subscription."""
    return {
        "announcements": is_announcements(activity),
        "may_start": can_start(activity, group_id),
        "may_attach": can_attach(activity, group_id),
        "may_moderate": can_moderate(activity, group_id),
        "subscription": state(current_user, activity),
    }
