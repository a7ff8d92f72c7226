"""Forums: discussions and announcements with attachments, subscriptions and e-mail.

Mentors and mentees talk between meetings here, and mentees send filled-in
documents to their mentor as attachments. A forum is shared by the programme
or separate per mentoring group.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import ActivityType, Capability, EventType, Setting
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})


@hookimpl
def register_models():
    """Discussions, posts, revisions, attachments, subscriptions, read marks,
    preferences and the digest queue."""
    from plugins.forum.models import MODELS

    return MODELS


@hookimpl
def register_blueprints():
    """The forum pages."""
    from plugins.forum.views import bp

    return [bp]


@hookimpl
def register_capabilities():
    """Reading, writing, attaching, moderating and subscribing."""
    return [
        Capability("forum.view", _l("Read forums and their discussions"), ALL, "group"),
        Capability("forum.start_discussion", _l("Start discussions in a discussion forum"),
                   ALL, "group", writes=True),
        Capability("forum.announce", _l("Start discussions in an announcements forum"),
                   STAFF, "group", writes=True),
        Capability("forum.reply", _l("Reply to discussions"), ALL, "group", writes=True),
        Capability("forum.attach", _l("Attach files to forum posts"), ALL, "group",
                   writes=True),
        Capability("forum.moderate",
                   _l("Pin, lock, edit and delete any post in forums one can read"),
                   STAFF, "group", writes=True),
        Capability("forum.subscribe", _l("Subscribe to forums and choose how mail arrives"),
                   ALL, "group"),
    ]


@hookimpl
def register_activity_types():
    """A discussion forum and an announcements forum."""
    return [
        ActivityType(name="forum", plugin="forum", label=_l("Forum"), endpoint="forum.view",
                     description=_l("General discussion: everyone may start discussions "
                                    "and reply, with attachments.")),
        ActivityType(name="forum.announcements", plugin="forum",
                     label=_l("Announcements forum"), endpoint="forum.view",
                     description=_l("Only managers and mentors start discussions; "
                                    "everyone is subscribed by e-mail unless they opt out.")),
    ]


@hookimpl
def register_settings():
    """The edit window and the number of files per post."""
    return [
        Setting("edit_minutes", "forum",
                _l("Minutes during which authors may edit or delete their forum posts"),
                30, int),
        Setting("max_attachments", "forum", _l("Most files attached to one forum post"), 5,
                int),
    ]


@hookimpl
def register_cli():
    """``ementoring forum digest``."""
    from plugins.forum.cli import forum_group

    return [forum_group]


@hookimpl
def register_events():
    """Phrases for the forum's events."""
    ids = ("activity_id", "discussion_id", "post_id")
    return [
        EventType("discussion_created", _l("started a forum discussion"), ids),
        EventType("post_created", _l("posted in a forum"), (*ids, "first")),
        EventType("post_edited", _l("edited a forum post"), ids),
        EventType("post_deleted", _l("deleted a forum post"), (*ids, "discussion")),
    ]


@hookimpl
def slot_activity_footer(activity, user):
    """"3 unread posts" under a forum on the course page."""
    if activity.plugin != "forum":
        return None
    from plugins.forum.services.reading import course_footer

    return course_footer(activity, user)


@hookimpl
def on_event(event):
    """Mail new posts to subscribers (or queue them for their digest); remove the
    files of forums and groups that were deleted."""
    if event.name == "post_created" and event.object_type == "forum_post":
        from plugins.forum.services.notify import post_created

        post_created(event.object_id)
    elif event.programme_id and (event.name == "group_deleted" or (
            event.name == "activity_deleted" and (event.data or {}).get("plugin") == "forum")):
        from plugins.forum.services.cleanup import remove_orphans

        remove_orphans(event.programme_id)


@hookimpl
def export_user_data(user):
    """The user's discussions, posts, edits, subscriptions and attached files."""
    from plugins.forum.services.privacy import export

    return export(user)


@hookimpl
def erase_user_data(user):
    """Keep posts (shown as by "deleted user"); drop subscriptions, marks, preferences."""
    from plugins.forum.services.privacy import erase

    erase(user)


@hookimpl
def demo_data(programme, users):
    """An announcements forum in the tools section and a group forum in the initial one."""
    from plugins.forum.services.demo import build

    build(programme, users)
