"""Small helpers shared by the messages services: membership, preferences, links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale

from core.extensions import db
from core.models import Membership, User
from plugins.messages.models import Preference

PLUGIN = "messages"
DEFAULT_EMAIL = "immediately"


def is_member(user_id: int, programme_id: int) -> bool:
    """True when the user has a role in the programme."""
    return db.session.scalar(
        db.select(Membership.id).where(Membership.user_id == user_id,
                                       Membership.programme_id == programme_id)
    ) is not None


def email_preferences(user_ids: Iterable[int], programme_id: int) -> dict[int, str]:
    """Each user's e-mail preference in the programme (the default when none is saved)."""
    ids = list(user_ids)
    saved = dict(db.session.execute(
        db.select(Preference.user_id, Preference.email).where(
            Preference.programme_id == programme_id, Preference.user_id.in_(ids or [-1]))
    ).all())
    return {uid: saved.get(uid, DEFAULT_EMAIL) for uid in ids}


def managers_of(programme_id: int, exclude: Iterable[int] = ()) -> list[User]:
    """Active managers of the programme, or the site admins when it has none."""
    skip = set(exclude)
    managers = db.session.scalars(
        db.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.programme_id == programme_id, Membership.role == "manager",
            User.active.is_(True), User.erased.is_(False)).order_by(User.id)
    ).all()
    managers = [m for m in managers if m.id not in skip]
    if managers:
        return managers
    return list(db.session.scalars(
        db.select(User).where(User.is_site_admin.is_(True), User.active.is_(True),
                              User.erased.is_(False)).order_by(User.id)))


@contextmanager
def mail_context(user: Any, programme: Any) -> Iterator[None]:
    """A request context (for external links) in the recipient's language."""
    language = getattr(user, "language", None) or getattr(programme, "language", None) or "en"
    if has_request_context():
        with force_locale(language):
            yield
        return
    base = current_app.config.get("SITE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base), force_locale(language):
        yield


def link(endpoint: str, **values: Any) -> str:
    """An absolute URL for a mail."""
    return url_for(endpoint, _external=True, **values)
