"""Broadcasts: who may send to which audience, who receives them, sending and reading."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.events import emit
from core.extensions import db
from core.labels import role_label
from core.models import GroupMember, Membership, MentoringGroup, User, utcnow
from core.permissions import can
from core.text import render_markdown
from plugins.messages.models import Broadcast, Delivery

ROLES = ("manager", "mentor", "mentee")


def audience_choices(user: Any, programme_id: int) -> list[tuple[str, str]]:
    """The audiences ``user`` may address: managers everything, mentors their groups."""
    choices: list[tuple[str, str]] = []
    if can(user, "messages.broadcast_programme", programme_id):
        choices.append(("programme", _("Everyone in the programme")))
        for role in ROLES:
            choices.append((f"role:{role}", _("Every %(role)s", role=role_label(role))))
    groups = db.session.scalars(
        db.select(MentoringGroup).where(MentoringGroup.programme_id == programme_id)
        .order_by(MentoringGroup.name)).all()
    for group in groups:
        if can(user, "messages.broadcast", programme_id, group):
            label = _("%(name)s (mentoring group)", name=group.name)
            choices.append((f"group:{group.id}", label))
    return choices


def parse_audience(value: str, programme_id: int) -> tuple[str, str | None, int | None] | None:
    """``(audience, role, group_id)`` from a form value, or None when it is not valid."""
    if value == "programme":
        return "programme", None, None
    kind, _sep, rest = value.partition(":")
    if kind == "role" and rest in ROLES:
        return "role", rest, None
    if kind == "group" and rest.isdigit():
        group = db.session.get(MentoringGroup, int(rest))
        if group is not None and group.programme_id == programme_id:
            return "group", None, group.id
    return None


def may_send(user: Any, programme_id: int, audience: str, group_id: int | None) -> bool:
    """Whether ``user`` may broadcast to this audience (decided by capabilities)."""
    if audience == "group":
        return can(user, "messages.broadcast", programme_id, group_id)
    return can(user, "messages.broadcast_programme", programme_id)


def recipient_ids(programme_id: int, audience: str, role: str | None,
                  group_id: int | None, sender_id: int) -> list[int]:
    """Active members of the programme in the audience, the sender left out."""
    stmt = (db.select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.programme_id == programme_id, Membership.user_id != sender_id,
                   User.active.is_(True), User.erased.is_(False)))
    if audience == "role":
        stmt = stmt.where(Membership.role == role)
    elif audience == "group":
        stmt = stmt.join(GroupMember, GroupMember.user_id == Membership.user_id).where(
            GroupMember.group_id == group_id)
    return sorted(set(db.session.scalars(stmt)))


def send_broadcast(sender: Any, programme_id: int, audience: str, role: str | None,
                   group_id: int | None, subject: str, body: str) -> Broadcast | None:
    """Save a broadcast with an inbox entry per recipient and commit; the mail goes
    out from ``on_event``. None when the audience is empty."""
    ids = recipient_ids(programme_id, audience, role, group_id, sender.id)
    if not ids:
        return None
    broadcast = Broadcast(programme_id=programme_id, sender_id=sender.id, audience=audience,
                          role=role, group_id=group_id, subject=subject, body_source=body,
                          body_html=render_markdown(body), recipient_count=len(ids),
                          created_at=utcnow())
    db.session.add(broadcast)
    db.session.flush()
    db.session.add_all(Delivery(broadcast_id=broadcast.id, user_id=uid,
                                programme_id=programme_id) for uid in ids)
    emit("broadcast_sent", actor=sender, programme=programme_id, group=group_id, obj=broadcast)
    db.session.commit()
    return broadcast


def audience_label(broadcast: Broadcast) -> str:
    """A short description of whom a broadcast went to."""
    if broadcast.audience == "role":
        return _("Every %(role)s", role=role_label(broadcast.role))
    if broadcast.audience == "group":
        name = broadcast.group.name if broadcast.group else "—"
        return _("%(name)s (mentoring group)", name=name)
    return _("Everyone in the programme")


def mark_delivery_read(delivery: Delivery | None) -> None:
    """Record that the recipient has opened the broadcast."""
    if delivery is not None and delivery.read_at is None:
        delivery.read_at = utcnow()
        db.session.commit()
