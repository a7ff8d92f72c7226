"""The declaration objects that hooks return and the core applies."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Capability:
    """A permission named ``<plugin>.<verb>`` with its default grants.

    ``scope`` is ``"site"`` (site admins only), ``"programme"`` (any member of the
    programme with a granted role) or ``"group"`` (mentors and mentees only inside
    their own groups; managers across their programme). ``plugin`` is filled in by
    the core from the name's prefix.

    ``writes`` marks a capability that adds or changes content (posting,
    uploading, planning, sending). Mentors and mentees lose such capabilities
    in a mentoring group that is completed or closed, and in a programme that
    is not active or whose end date has passed: they keep reading what they
    shared, read-only. Managers and site admins keep them, to tidy up or reopen.
    """

    name: str
    description: str
    roles: frozenset[str] = frozenset()
    scope: str = "programme"
    writes: bool = False

    @property
    def plugin(self) -> str:
        return self.name.split(".", 1)[0]


@dataclass(frozen=True)
class ActivityType:
    """A kind of activity a plugin offers for the course page.

    ``endpoint`` is the view that shows an activity of this type; it receives
    ``activity_id``. ``group_modes`` lists the modes a manager may choose.
    ``listed``, when set, receives the activities of this type on a course page
    (all at once) and returns the ids of those to list there; the others stay
    reachable by link (a lesson's copies in other languages, say). People who
    manage the course see every activity.
    """

    name: str
    plugin: str
    label: Any
    endpoint: str
    description: Any = ""
    group_modes: tuple[str, ...] = ("shared", "separate")
    default_settings: dict[str, Any] = field(default_factory=dict)
    listed: Callable[[list[Any]], Collection[int]] | None = None


@dataclass(frozen=True)
class SessionType:
    """A kind of mentoring session (employability, monitoring…) a plugin offers.

    ``category`` groups types in the plan editor; ``guidance`` is shown to the
    mentor on the session page; ``worksheet_endpoint``, when set, is linked from
    that page and receives ``group_id`` and ``session_id``.
    """

    name: str
    plugin: str
    label: Any
    category: str = "general"
    guidance: Any = ""
    worksheet_endpoint: str | None = None


@dataclass(frozen=True)
class Setting:
    """A per-programme setting with its default value and a label for the admin page."""

    name: str
    plugin: str
    label: Any
    default: Any
    type: type = str


@dataclass(frozen=True)
class NavItem:
    """A link in a programme's navigation."""

    label: Any
    url: str
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A block on the dashboard: a title and already-escaped HTML, shown under the
    programme it belongs to."""

    title: Any
    html: Any
    order: int = 100
    programme: Any = None


@dataclass(frozen=True)
class FileAction:
    """An action offered next to a stored file; POSTed with CSRF when ``method`` is POST."""

    label: Any
    url: str
    method: str = "POST"
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UserData:
    """What a plugin exports of a user: JSON-able records and the user's stored files."""

    plugin: str
    records: Any
    files: list = field(default_factory=list)


@dataclass(frozen=True)
class EventType:
    """A domain event a plugin emits: its ``name``, the keys its ``data`` may hold
    (``fields``) and the phrase shown in "what is new" (``label``; None keeps the
    event out of every list while it still counts as activity)."""

    name: str
    label: Any = None
    fields: tuple[str, ...] = ()
