"""The sessions blueprint, shared by the plan pages and the calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

bp = Blueprint("sessions", __name__)


def local_now() -> datetime:
    """The current wall-clock time of the site (``TIMEZONE`` setting, else the
    server's), naive like the stored session times."""
    tz = current_app.config.get("TIMEZONE")
    if tz:
        return datetime.now(ZoneInfo(tz)).replace(tzinfo=None)
    return datetime.now()
