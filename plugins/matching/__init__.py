"""Matching: competence profiles, mentor requests, suggestions, speed mentoring, pairings.

Students and company mentors present themselves in a competence profile; mentors
say which topics they help with and how many mentees they take; mentees ask and
mentors choose whom to mentor. Managers run suggestions for a whole cohort, set
the weekly topics of speed-mentoring rounds, and pairings run for a set number of
weeks, after which both sides keep read-only access to what they shared.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import ActivityType, Capability, EventType, Setting
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
MANAGER = frozenset({"manager"})
REQUEST_EVENTS = ("mentorship_requested", "mentorship_question", "mentorship_answered",
                  "mentorship_declined", "mentorship_accepted", "mentorship_withdrawn")
PAIRING_EVENTS = ("pairing_formed", "pairing_extended", "pairing_completed", "pairing_closed")


@hookimpl
def register_models():
    """Competences, profiles, offers, requests, pairings, rounds and conversations."""
    from plugins.matching.models import MODELS

    return MODELS


@hookimpl
def register_blueprints():
    """The matching pages."""
    from plugins.matching.views import bp

    return [bp]


@hookimpl
def register_capabilities():
    """Browsing and keeping profiles, offering and asking, following, managing, rounds."""
    return [
        Capability("matching.view_profiles", _l("Browse the competence profiles of the "
                                                "programme"), ALL),
        Capability("matching.edit_profile", _l("Keep one's own competence profile"), ALL),
        Capability("matching.offer", _l("Offer mentoring and answer mentees' requests"),
                   frozenset({"mentor"})),
        Capability("matching.request", _l("See suggested mentors and ask one for mentoring"),
                   frozenset({"mentee"})),
        Capability("matching.follow", _l("Follow one's own requests and pairings"), ALL),
        Capability("matching.manage", _l("Edit the competence list and matching settings, "
                                         "pair a cohort, manage every pairing"), MANAGER),
        Capability("matching.join_rounds", _l("Take part in speed-mentoring rounds"), ALL),
        Capability("matching.manage_rounds", _l("Set the period and weekly topics of "
                                                "speed-mentoring rounds"), MANAGER),
    ]


@hookimpl
def register_activity_types():
    """The speed-mentoring round."""
    return [ActivityType(
        name="matching.round", plugin="matching", label=_l("Speed-mentoring round"),
        endpoint="matching.round_view", group_modes=("shared",),
        description=_l("A period of weeks with a suggested topic for each, a discussion "
                       "space and short one-to-one conversations with mentors."))]


@hookimpl
def register_settings():
    """The minimum age and the length of a pairing."""
    return [
        Setting("min_age", "matching", _l("Minimum age to offer or ask for mentoring "
                                          "(0: no rule)"), 0, int),
        Setting("pairing_weeks", "matching", _l("Weeks a new pairing runs"), 10, int),
    ]


@hookimpl
def register_cli():
    """``ementoring matching complete-ended``."""
    from plugins.matching.cli import matching_group

    return [matching_group]


@hookimpl
def register_events():
    """Phrases for the pairing events shown in "what is new" (request events and
    pairing messages are private to their two people and never listed there)."""
    private = [EventType(f"mentorship_{step}", None, ("programme_id",))
               for step in ("requested", "question", "answered", "declined", "withdrawn",
                            "accepted")]
    return [
        EventType("pairing_formed", _l("paired a mentor and a mentee")),
        EventType("pairing_extended", _l("extended a mentoring pairing"), ("weeks",)),
        EventType("pairing_completed", _l("completed a mentoring pairing")),
        EventType("pairing_closed", _l("closed a mentoring pairing")),
        EventType("pairing_message_posted", None, ("programme_id", "group_id")),
        *private,
    ]


@hookimpl
def nav_items(programme, user):
    """People (the profile directory) and Matching (requests, suggestions, pairings)."""
    from flask import url_for

    from core.declarations import NavItem
    from core.permissions import can

    items = []
    if can(user, "matching.view_profiles", programme):
        items.append(NavItem(_l("People"),
                             url_for("matching.directory_view", programme_id=programme.id), 60))
    if can(user, "matching.follow", programme):
        items.append(NavItem(_l("Matching"),
                             url_for("matching.index", programme_id=programme.id), 65))
    return items


@hookimpl
def dashboard_widgets(programmes, user):
    """This week's speed-mentoring topic and requests waiting for an answer, in each
    programme."""
    from plugins.matching.services.widgets import widgets

    return widgets(programmes, user)


@hookimpl
def slot_group_page(group, user):
    """The group's pairings with their status and end date."""
    from plugins.matching.services.widgets import group_pairings

    return group_pairings(group, user)


@hookimpl
def on_event(event):
    """Mail about requests and pairings; give a new round activity its default plan."""
    if event.name in REQUEST_EVENTS and event.object_id:
        from plugins.matching.services.notify import request_event

        request_event(event.name, event.object_id)
    elif event.name in PAIRING_EVENTS and event.object_id:
        from plugins.matching.services.notify import pairing_event

        pairing_event(event.name, event.object_id, event.actor_id)
    elif event.name == "activity_created" and event.object_id:
        from plugins.matching.services.widgets import round_created

        round_created(event.object_id)


@hookimpl
def export_user_data(user):
    """Profiles, offers, requests, pairings and everything the person wrote."""
    from plugins.matching.services.privacy import export

    return export(user)


@hookimpl
def erase_user_data(user):
    """Remove the profile, photo, offers and open requests; keep shared content."""
    from plugins.matching.services.privacy import erase

    erase(user)


@hookimpl
def demo_data(programme, users):
    """Profiles for the demo people, offers, a pairing, and a round with weekly topics."""
    from plugins.matching.services.demo import build

    build(programme, users)
