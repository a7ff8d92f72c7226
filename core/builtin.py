"""The core's own contributions, registered through the same hooks as any plugin."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.declarations import Capability, EventType, NavItem, SessionType, UserData, Widget
from core.extensions import db
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})
MANAGER = frozenset({"manager"})


@hookimpl
def register_capabilities():
    """The core's capabilities."""
    return [
        Capability("core.use", _l("Use the site: dashboard and own profile"), ALL, "user"),
        Capability("core.admin", _l("Administer the site"), frozenset(), "site"),
        Capability("core.view_course", _l("See a programme's course page"), ALL),
        Capability("core.manage_course", _l("Add, edit, reorder and hide sections and activities"),
                   MANAGER),
        Capability("core.view_members", _l("See the programme's member list"), ALL),
        Capability("core.manage_members", _l("Invite people and change their roles"), MANAGER),
        Capability("core.manage_groups", _l("Create mentoring groups and assign members"),
                   MANAGER),
        Capability("core.view_group", _l("See a mentoring group and its members"), ALL, "group"),
        Capability("core.manage_plugins", _l("Enable and disable plugins in a programme"),
                   MANAGER),
        Capability("core.view_events", _l("See the programme's activity log"), MANAGER),
        Capability("core.view_sessions", _l("See a group's mentoring sessions and session plan"),
                   ALL, "group"),
        Capability("core.manage_sessions",
                   _l("Plan, hold and cancel a group's sessions; revise its session plan"),
                   STAFF, "group", writes=True),
        Capability("core.view_calendar", _l("See one's own sessions in a calendar and feed"),
                   ALL, "user"),
    ]


@hookimpl
def register_session_types():
    """The one session type the core knows: the initial session of every group."""
    return [SessionType(
        name="core.initial", plugin="core", category="initial",
        label=_l("Initial mentoring and management session"),
        guidance=_l("Manager, mentor and mentees meet, face to face or online with the chat. "
                    "Introduce everyone and the programme, agree on how and when you will "
                    "meet, sign the mentoring contract and the list of participants, and "
                    "upload the scanned copies to the toolbar for managing the mentoring "
                    "process. Then start the session plan with the mentee."),
    )]


@hookimpl
def register_cli():
    """``ementoring sessions remind``: reminders the day before a session."""
    from core.sessions.reminders import sessions_group

    return [sessions_group]


@hookimpl
def register_events():
    """The course shell's, group, session and worksheet events."""
    return [
        EventType("activity_created", _l("added an activity")),
        EventType("activity_deleted", None, ("plugin", "type")),
        EventType("group_created", _l("created a group")),
        EventType("group_deleted", None, ("name",)),
        EventType("group_member_added", _l("added a group member")),
        EventType("group_member_removed", _l("removed a group member")),
        EventType("group_status_changed", None, ("from", "to")),
        EventType("session_planned", _l("planned a mentoring session"), ("title", "type")),
        EventType("session_held", _l("recorded a held session"),
                  ("title", "type", "present", "expected")),
        EventType("session_cancelled", _l("cancelled a mentoring session"), ("title",)),
        EventType("plan_revised", _l("revised a session plan"), ("number",)),
        EventType("worksheet_submitted", _l("submitted a worksheet"),
                  ("plugin", "schema", "title")),
        EventType("worksheet_commented", _l("commented on a worksheet"), ("plugin", "schema")),
    ]


@hookimpl
def nav_items(programme, user):
    """Links to the course page, members and groups."""
    from core.permissions import can

    items = [NavItem(_l("Course"), url_for("course.programme", programme_id=programme.id), 10)]
    if can(user, "core.view_members", programme):
        url = url_for("members.index", programme_id=programme.id)
        items.append(NavItem(_l("Members"), url, 80))
    items.append(NavItem(_l("Groups"), url_for("groups.index", programme_id=programme.id), 85))
    if can(user, "core.view_sessions", programme):
        url = url_for("sessions.programme", programme_id=programme.id)
        items.append(NavItem(_l("Sessions"), url, 20))
    return items


@hookimpl
def dashboard_widgets(programmes, user):
    """The user's next sessions in each programme."""
    from flask import render_template
    from markupsafe import Markup

    from core.permissions import can
    from core.sessions.blueprint import local_now
    from core.sessions.services import user_sessions
    from core.sessions.views import labels

    shown = [p for p in programmes if can(user, "core.view_sessions", p)]
    if not shown:
        return None
    upcoming: dict[int, list] = {p.id: [] for p in shown}
    for s in user_sessions(user, start=local_now(), programme_ids=list(upcoming),
                           statuses=("planned",), limit=5):
        upcoming[s.programme_id].append(s)
    session_labels = labels()
    return [Widget(_l("Upcoming sessions"), Markup(render_template(
        "sessions/widget.html", programme=p, upcoming=upcoming[p.id],
        session_labels=session_labels)), 10, p) for p in shown]


@hookimpl
def slot_group_page(group, user):
    """A link to the group's session plan."""
    from markupsafe import Markup, escape

    from core.permissions import can

    if not can(user, "core.view_sessions", group.programme_id, group):
        return None
    url = url_for("sessions.plan", group_id=group.id)
    label = escape(str(_l("Sessions and session plan")))
    return Markup('<p><a href="{}">{}</a></p>').format(url, label)


@hookimpl
def group_summary(groups):
    """Sessions planned and held and the attendance rate of each group."""
    from core.sessions.services import group_figures

    return group_figures([g.id for g in groups])


@hookimpl
def on_event(event):
    """A new group gets its initial mentoring and management session."""
    if event.name != "group_created" or not event.group_id:
        return
    from core.models import MentoringGroup
    from core.sessions.services import create_initial_session

    group = db.session.get(MentoringGroup, event.group_id)
    if group is not None and create_initial_session(group, event.actor_id):
        db.session.commit()


@hookimpl(tryfirst=True)
def demo_data(programme, users):
    """Each demo group's initial session, held two weeks ago, starts its plan; runs
    before the plugins so they can add their sessions after it."""
    from core.sessions.demo import build

    build(programme, users)


@hookimpl
def export_user_data(user):
    """The account, memberships, groups, the user's events and sessions."""
    from core.models import Event, GroupMember, Membership, StoredFile
    from core.sessions.privacy import export_sessions

    memberships = db.session.execute(
        db.select(Membership).where(Membership.user_id == user.id)
    ).scalars()
    groups = db.session.execute(
        db.select(GroupMember).where(GroupMember.user_id == user.id)
    ).scalars()
    events = db.session.execute(
        db.select(Event).where(Event.actor_id == user.id).order_by(Event.id)
    ).scalars()
    files = db.session.execute(
        db.select(StoredFile).where(
            StoredFile.uploaded_by_id == user.id, StoredFile.plugin == "core"
        )
    ).scalars().all()
    return UserData(
        plugin="core",
        records={
            "account": {
                "email": user.email,
                "display_name": user.display_name,
                "language": user.language,
                "theme": user.theme,
                "created_at": user.created_at.isoformat() if user.created_at else None,
            },
            "memberships": [
                {"programme": m.programme.title, "role": m.role} for m in memberships
            ],
            "groups": [{"group": gm.group.name, "role": gm.role} for gm in groups],
            "events": [
                {"name": e.name, "programme_id": e.programme_id, "at": e.created_at.isoformat()}
                for e in events
            ],
            **export_sessions(user),
        },
        files=files,
    )


@hookimpl
def erase_user_data(user):
    """Anonymise the account; memberships and group places are removed. Sessions,
    attendance and plans stay: the group still needs them."""
    from core.auth.logins import end_all_sessions
    from core.models import GroupMember, Invitation, Membership, SessionReminder

    db.session.execute(db.delete(GroupMember).where(GroupMember.user_id == user.id))
    db.session.execute(db.delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(db.delete(Invitation).where(Invitation.email == user.email))
    db.session.execute(db.delete(SessionReminder).where(SessionReminder.user_id == user.id))
    user.email = f"erased-{user.id}@invalid"
    user.display_name = "deleted user"
    user.password_hash = None
    user.erased = True
    user.active = False
    user.language = None
    user.theme = None
    end_all_sessions(user)
