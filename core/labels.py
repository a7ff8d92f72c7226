"""Translated labels for values stored as codes (roles, statuses, event names)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {"manager": _l("manager"), "mentor": _l("mentor"), "mentee": _l("mentee")}
STATUS_LABELS = {"draft": _l("draft"), "active": _l("active"), "closed": _l("closed")}
GROUP_STATUS_LABELS = {
    "active": _l("active"), "completed": _l("completed"),
    "extended": _l("extended"), "closed": _l("closed"),
}


def role_label(role: str | None) -> str:
    """The translated name of a role code."""
    return str(ROLE_LABELS.get(role or "", role or ""))


def status_label(status: str | None) -> str:
    """The translated name of a programme status code."""
    return str(STATUS_LABELS.get(status or "", status or ""))


def group_status_label(status: str | None) -> str:
    """The translated name of a mentoring group's life-cycle status."""
    return str(GROUP_STATUS_LABELS.get(status or "", status or ""))


def event_label(name: str) -> str:
    """The translated phrase an event's declaration (``register_events``) gives it."""
    from core.plugins import registry

    declared = registry().event_types.get(name)
    return str(declared.label if declared and declared.label else name.replace("_", " "))


def news_event_names() -> list[str]:
    """Names of events shown in "what is new": those with a label that is not None."""
    from core.plugins import registry

    return sorted(name for name, t in registry().event_types.items() if t.label is not None)
