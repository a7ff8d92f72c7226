"""Translated labels for values stored as codes (roles, statuses, event names)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {"manager": _l("manager"), "mentor": _l("mentor"), "mentee": _l("mentee")}
STATUS_LABELS = {"draft": _l("draft"), "active": _l("active"), "closed": _l("closed")}
GROUP_STATUS_LABELS = {
    "active": _l("active"), "completed": _l("completed"),
    "extended": _l("extended"), "closed": _l("closed"),
}
EVENT_LABELS = {
    "activity_created": _l("added an activity"),
    "group_created": _l("created a group"),
    "group_member_added": _l("added a group member"),
    "group_member_removed": _l("removed a group member"),
    "group_deleted": None,
    "activity_deleted": None,
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
    """A translated phrase for an event name; plugins add theirs with ``register_event_labels``."""
    from core.plugins import registry

    labels = registry().event_labels
    return str(labels.get(name) or EVENT_LABELS.get(name) or name.replace("_", " "))


def news_event_names() -> list[str]:
    """Names of events shown in "what is new": those with a label that is not None."""
    from core.plugins import registry

    labels = {**EVENT_LABELS, **registry().event_labels}
    return sorted(name for name, label in labels.items() if label is not None)
