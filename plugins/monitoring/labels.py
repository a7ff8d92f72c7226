"""Translated labels of outcome statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

OUTCOME_LABELS = {
    "in_work": _l("in work"),
    "in_education": _l("in education or training"),
    "neither": _l("neither"),
    "other": _l("other"),
}


def outcome_label(status: str | None) -> str:
    """The translated name of an outcome status code."""
    return str(OUTCOME_LABELS.get(status or "", status or ""))
