"""Lessons: a self-study training course with a track for managers, mentors and mentees.

A lesson is an activity made of chapters of markdown pages with images, read
with previous/next navigation; each chapter ends with reflective questions
whose answers go into the learner's private journal (shared with their mentor
if they wish). Progress shows per lesson and per track on the dashboard, and
managers see every participant's. Lessons are exported and imported as folders
of markdown files with a JSON manifest, and may have a translated copy per
language. The demo ships a course written from the project's seed documents,
translated in ``course/i18n/<language>/``: it is installed in the programme's
language, with every other language as a translated copy learners may switch to.
"""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.declarations import ActivityType, Capability, NavItem, UserData
from core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent
ALL = frozenset({"manager", "mentor", "mentee"})


@hookimpl
def register_models():
    """Lessons, chapters, pages, questions, images, pages read and journal entries."""
    from plugins.lessons.models import MODELS

    return MODELS


@hookimpl
def register_blueprints():
    """The reading, journal, progress, editing and import/export pages."""
    from plugins.lessons.views import bp

    return [bp]


@hookimpl
def register_capabilities():
    """Who may study, write lessons, see everyone's progress and read shared journals."""
    return [
        Capability("lessons.read", _l("Study the training course and keep a private journal"),
                   ALL),
        Capability("lessons.manage", _l("Write, import, export and translate lessons"),
                   frozenset({"manager"})),
        Capability("lessons.view_progress",
                   _l("See every participant's progress in the training course"),
                   frozenset({"manager"})),
        Capability("lessons.read_shared",
                   _l("Read the journal answers one's mentees share with their mentor"),
                   frozenset({"mentor"})),
    ]


@hookimpl
def register_activity_types():
    """The lesson; the course page lists originals, not their copies in other languages."""
    from plugins.lessons.services.catalogue import originals

    return [ActivityType(
        name="lessons.lesson", plugin="lessons", label=_l("Lesson"), endpoint="lessons.view",
        group_modes=("shared",), listed=originals,
        description=_l("Chapters of pages to study alone, each ending with reflective "
                       "questions answered in a private journal."))]


@hookimpl
def register_cli():
    """``ementoring lessons list|export|import|prune-images``."""
    from plugins.lessons.cli import lessons_group

    return [lessons_group]


@hookimpl
def nav_items(programme, user):
    """The training course; every participant's progress for managers; shared journals
    for mentors."""
    from core.permissions import can

    if not can(user, "lessons.read", programme):
        return []
    items = [NavItem(_l("Training course"), url_for("lessons.index", programme_id=programme.id),
                     70)]
    if can(user, "lessons.view_progress", programme):
        items.append(NavItem(_l("Course progress"),
                             url_for("lessons.participants", programme_id=programme.id), 71))
    elif can(user, "lessons.read_shared", programme):
        items.append(NavItem(_l("Shared journals"),
                             url_for("lessons.shared", programme_id=programme.id), 71))
    return items


@hookimpl
def dashboard_widgets(programmes, user):
    """Progress bars for the user's own track and its lessons, then the other tracks,
    in each programme."""
    from plugins.lessons.services.widgets import dashboard

    return dashboard(programmes, user)


@hookimpl
def slot_activity_footer(activity, user):
    """The user's progress bar under a lesson on the course page."""
    from plugins.lessons.services.widgets import footer

    return footer(activity, user)


@hookimpl
def on_event(event):
    """Give a lesson added on the course page its lesson row (track, language, key);
    remove the images of a deleted lesson."""
    if event.name == "activity_deleted" and (event.data or {}).get("plugin") == "lessons":
        from plugins.lessons.services.cleanup import prune_images

        prune_images()
        return
    if event.name != "activity_created" or event.object_type != "activity":
        return
    from core.extensions import db
    from core.models import Activity
    from plugins.lessons.models import TYPE
    from plugins.lessons.services.catalogue import ensure_lesson

    activity = db.session.get(Activity, event.object_id)
    if activity is not None and activity.type == TYPE:
        ensure_lesson(activity)
        db.session.commit()


@hookimpl
def can_read_file(user, stored_file):
    """Images: whoever may read the lesson they belong to."""
    if stored_file.plugin != "lessons":
        return None
    from plugins.lessons.services.images import may_read_file

    return may_read_file(user, stored_file)


@hookimpl
def export_user_data(user):
    """The pages the user read and their journal."""
    from plugins.lessons.services.privacy import export

    return UserData(plugin="lessons", records=export(user))


@hookimpl
def erase_user_data(user):
    """Delete the user's reading record and journal."""
    from plugins.lessons.services.privacy import erase

    erase(user)


@hookimpl
def demo_data(programme, users):
    """The training course for managers, mentors and mentees, with some progress."""
    from plugins.lessons.services.demo import build

    build(programme, users)
