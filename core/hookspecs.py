"""The plugin contract: every hook a plugin may implement.

Hooks return declarations that the core applies; they do not reach into the app.
Hooks marked *programme-scoped* are called only for plugins enabled in the
programme at hand. Unless a docstring says "first result wins", the core
collects the results of every implementation into a list.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("ementoring")
hookimpl = pluggy.HookimplMarker("ementoring")


# --- setup: declarations collected once at start-up ------------------------


@hookspec
def register_models():
    """Return the plugin's SQLAlchemy model classes (a list).

    Importing them registers their tables; the core lists them to check that
    every table carries the plugin's prefix and that privacy hooks exist.
    """


@hookspec
def register_blueprints():
    """Return a list of Flask blueprints to register on the app.

    The core adds a guard to each: a request whose view arguments name a
    programme (``programme_id``) or an activity (``activity_id``) in which the
    plugin is disabled answers 404.
    """


@hookspec
def register_capabilities():
    """Return a list of ``core.declarations.Capability`` objects.

    Names are ``<plugin>.<verb>``; each carries its default grants per role.
    """


@hookspec
def register_activity_types():
    """Return a list of ``ActivityType`` declarations the course page can offer."""


@hookspec
def register_session_types():
    """Return a list of ``SessionType`` declarations for mentoring sessions."""


@hookspec
def register_settings():
    """Return a list of ``Setting`` declarations: per-programme settings and defaults."""


@hookspec
def register_cli():
    """Return a list of click commands or groups added to the ``ementoring`` CLI."""


@hookspec
def register_events():
    """Return a list of ``core.declarations.EventType``: the events the plugin
    emits, each with the keys its ``data`` may hold and a translated phrase
    ("posted in a forum") shown in "what is new" lists.

    ``core.events.emit`` refuses a name nobody declared and data keys the
    declaration does not list. Only labelled events appear in "what is new"; a
    label of None keeps a private event (a private message, say) out of every
    list while it still counts as activity. An event name is declared once."""


# --- programme-scoped declarations ------------------------------------------


@hookspec
def nav_items(programme, user):
    """Return ``NavItem`` links for the programme's navigation (programme-scoped)."""


@hookspec
def dashboard_widgets(programmes, user):
    """Return ``Widget`` blocks for the user's dashboard for all of ``programmes`` at
    once: the user's programmes in which the plugin is enabled (programme-scoped).
    Each widget names its programme (``Widget.programme``). Read what the widgets
    show for every programme together, so that the dashboard's statements do not
    grow with the number of programmes."""


@hookspec
def file_actions(stored_file, user):
    """Return ``FileAction`` items offered next to a stored file shown to ``user``
    (programme-scoped, by the file's programme)."""


@hookspec
def group_summary(groups):
    """Return ``{group_id: {key: value}}`` figures about these groups for
    reports and dashboards (programme-scoped); callers merge the dicts.

    Must cost a constant number of queries whatever the number of groups.
    Known keys: ``missing_documents`` (list of short texts naming mandatory
    documents the group still lacks), ``sessions_planned``, ``sessions_held``
    and ``attendance_rate`` (0–1 or None)."""


# --- page slots ---------------------------------------------------------------


@hookspec
def slot_course_header(programme, user):
    """Return HTML (Markup) shown above a programme's sections (programme-scoped)."""


@hookspec
def slot_activity_footer(activity, user):
    """Return HTML (Markup) shown below an activity on the course page
    (programme-scoped)."""


@hookspec
def slot_group_page(group, user):
    """Return HTML (Markup) shown on a mentoring group's page (programme-scoped)."""


# --- events -------------------------------------------------------------------


@hookspec
def on_event(event):
    """React to a domain event (``core.events.DomainEvent``) after its
    transaction committed. Programme-scoped when the event names a programme.
    Each plugin's implementation is called on its own: an exception is logged
    with the plugin's name, never reaches the user and does not stop the other
    plugins. Returns nothing.

    Events are declared by ``register_events``; the core's include
    ``activity_created``, ``activity_deleted`` (``object_id`` is the activity,
    ``data`` holds its plugin and type), ``group_created``, ``group_deleted``
    (``object_id`` is the group), ``group_member_added``,
    ``group_member_removed`` and the session events of ``core.sessions``."""


# --- privacy and demo ----------------------------------------------------------


@hookspec
def export_user_data(user):
    """Return a ``UserData`` with everything this plugin stores about ``user``,
    or None when it stores nothing about them."""


@hookspec
def erase_user_data(user):
    """Erase or anonymise what this plugin stores about ``user``. Content other
    people still need (posts, messages) is kept and shown as "deleted user"."""


@hookspec
def demo_data(programme, users):
    """Add the plugin's demo content to ``programme``.

    ``users`` maps demo keys to objects: ``admin``, ``manager``, ``mentor1``,
    ``mentor2``, ``mentee1``…``mentee4``; ``groups`` (Group A with mentor1,
    mentee1 and mentee2; Group B with mentor2, mentee3 and mentee4) and
    ``sections`` (a dict with keys ``tools``, ``initial``, ``employability``,
    ``entrepreneurship``, ``monitoring``). Called by ``ementoring demo``; the
    core commits afterwards.
    """
