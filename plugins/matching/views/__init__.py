"""The matching blueprint; importing this package registers every route."""

from __future__ import annotations

from plugins.matching.views import manage, pairings, profiles, requests, rounds  # noqa: F401
from plugins.matching.views.common import bp

__all__ = ["bp"]
