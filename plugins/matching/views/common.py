"""The blueprint and helpers shared by the matching views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user

from core.extensions import db
from core.models import Membership, Programme, User
from core.permissions import public
from plugins.matching.services.profiles import Viewer, viewer


class _Blueprint(Blueprint):
    """A blueprint whose static files anyone may fetch."""

    @public
    def send_static_file(self, filename: str):  # noqa: ANN201
        return super().send_static_file(filename)


bp = _Blueprint("matching", __name__,
                root_path=str(Path(__file__).resolve().parent.parent),
                template_folder="templates", static_folder="static",
                static_url_path="/matching-static")


def programme_or_404(programme_id: int) -> Programme:
    """The programme named in the URL."""
    return db.session.get(Programme, programme_id) or abort(404)


def member_or_404(programme_id: int, user_id: int) -> tuple[User, str]:
    """A current member of the programme and their role; anyone else answers 404."""
    row = db.session.execute(
        db.select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == programme_id, User.id == user_id)).first()
    if row is None or row[0].erased:
        abort(404)
    return row[0], row[1]


def me(programme_id: int) -> Viewer:
    """The current user as a viewer of profiles in the programme."""
    return viewer(current_user, programme_id)


def my_role(programme_id: int) -> str | None:
    """The current user's role in the programme."""
    from core.permissions import role_in

    return role_in(current_user, programme_id)


def current() -> Any:
    """The real user object behind ``current_user``."""
    return current_user._get_current_object()


@bp.context_processor
def _labels() -> dict[str, Any]:
    from plugins.matching.services.profiles import (
        AVAILABILITY,
        FIELD_LABELS,
        LEVEL_LABELS,
        VISIBILITY_LABELS,
        language_name,
    )

    return {
        "level_label": lambda n: str(LEVEL_LABELS.get(n, n)),
        "availability_label": lambda k: str(AVAILABILITY.get(k, k)),
        "field_label": lambda f: str(FIELD_LABELS.get(f, f)),
        "visibility_label": lambda v: str(VISIBILITY_LABELS.get(v, v)),
        "language_label": language_name,
    }
