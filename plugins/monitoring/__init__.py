"""Monitoring: mentee diaries, monitoring reports, relationship quality, outcomes,
the manager's dashboard and certificates of participation."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.declarations import ActivityType, Capability, EventType, NavItem, SessionType, UserData
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})


@hookimpl
def register_models():
    """Diaries, reports, questionnaire points and answers, outcomes, goals, certificates."""
    from plugins.monitoring.models import MODELS

    return MODELS


@hookimpl
def register_blueprints():
    """The monitoring pages."""
    from plugins.monitoring import (  # noqa: F401  (registers the routes)
        views_dashboard,
        views_diary,
        views_outcomes,
        views_survey,
    )
    from plugins.monitoring.blueprint import bp

    return [bp]


@hookimpl
def register_capabilities():
    """Who may see and record what."""
    return [
        Capability("monitoring.view_own", _l("See monitoring pages meant for oneself"), ALL),
        Capability("monitoring.view_dashboard", _l("See the monitoring dashboard of one's groups"),
                   STAFF),
        Capability("monitoring.view_individual_answers",
                   _l("See questionnaire answers one by one"), frozenset({"manager"})),
        Capability("monitoring.manage_questionnaire", _l("Set when the questionnaire is answered"),
                   frozenset({"manager"})),
        Capability("monitoring.answer_questionnaire", _l("Answer the relationship questionnaire"),
                   frozenset({"mentee"})),
        Capability("monitoring.write_diary", _l("Write a diary of a held session"),
                   frozenset({"mentee"}), "group", writes=True),
        Capability("monitoring.view_diaries", _l("Read the group's diaries"), ALL, "group"),
        Capability("monitoring.write_report", _l("Write monitoring reports"), STAFF, "group"),
        Capability("monitoring.record_outcomes", _l("Record outcomes and goals of mentees"),
                   STAFF, "group"),
        Capability("monitoring.issue_certificates", _l("Issue certificates of participation"),
                   frozenset({"manager"})),
    ]


@hookimpl
def register_activity_types():
    """The diary and the relationship-quality questionnaire."""
    return [
        ActivityType(name="monitoring.diary", plugin="monitoring", label=_l("Session diary"),
                     endpoint="monitoring.diary", group_modes=("separate",),
                     description=_l("Mentees write a diary of each held session; "
                                    "the group reads it.")),
        ActivityType(name="monitoring.questionnaire", plugin="monitoring",
                     label=_l("Relationship-quality questionnaire"),
                     endpoint="monitoring.questionnaire", group_modes=("shared",)),
    ]


@hookimpl
def register_session_types():
    """Monitoring sessions, whose report the mentor fills in."""
    return [SessionType(
        name="monitoring.review", plugin="monitoring", label=_l("Monitoring session"),
        category="monitoring", worksheet_endpoint="monitoring.report",
        guidance=_l("Look back at the session plan with the mentee: what was done, what "
                    "helped, what got in the way. Agree on changes to the plan, then write "
                    "the monitoring report: progress, attendance and any concerns."),
    )]


@hookimpl
def register_events():
    """Phrases for the plugin's events."""
    return [
        EventType("diary_submitted", _l("wrote a session diary")),
        EventType("report_written", _l("wrote a monitoring report")),
        EventType("questionnaire_answered", _l("answered the relationship questionnaire")),
        EventType("outcome_recorded", _l("recorded an outcome")),
        EventType("certificate_issued", _l("issued a certificate")),
    ]


@hookimpl
def nav_items(programme, user):
    """The dashboard for staff, certificates for everyone."""
    from core.permissions import can

    if can(user, "monitoring.view_dashboard", programme):
        return [NavItem(_l("Monitoring"),
                        url_for("monitoring.programme_dashboard", programme_id=programme.id), 60)]
    return [NavItem(_l("Certificates"),
                    url_for("monitoring.certificates", programme_id=programme.id), 95)]


@hookimpl
def dashboard_widgets(programmes, user):
    """Open questionnaires for mentees; a link to the monitoring dashboard for staff;
    in each programme."""
    from plugins.monitoring.widgets import widgets

    return widgets(programmes, user)


@hookimpl
def slot_group_page(group, user):
    """Links to the group's outcomes and goals."""
    from markupsafe import Markup, escape

    from core.permissions import can

    if not can(user, "monitoring.record_outcomes", group.programme_id, group):
        return None
    url = url_for("monitoring.outcomes", group_id=group.id)
    return Markup('<p><a href="{}">{}</a></p>').format(url, escape(_l("Outcomes and goals")))


@hookimpl
def export_user_data(user):
    """The user's diaries, answers, outcomes, goals and certificates."""
    from plugins.monitoring.privacy import export

    return UserData(plugin="monitoring", records=export(user))


@hookimpl
def erase_user_data(user):
    """Remove the user's answers and goals; diaries and reports stay, anonymised."""
    from plugins.monitoring.privacy import erase

    erase(user)


@hookimpl
def demo_data(programme, users):
    """A diary and a questionnaire with three points; outcomes for the demo mentees."""
    from plugins.monitoring.demo import build

    build(programme, users)
