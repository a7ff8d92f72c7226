"""Shared column helpers for models."""

from __future__ import annotations

from datetime import UTC, datetime

from core.extensions import db

ROLES = ("manager", "mentor", "mentee")


def utcnow() -> datetime:
    """Return the current time in UTC without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


class Timestamped:
    """Mixin adding a creation timestamp."""

    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
