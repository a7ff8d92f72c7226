"""A pairing's life cycle carries over to its mentoring group, which core then keeps
read-only for the mentor and mentees."""

from __future__ import annotations

from core.extensions import db
from core.models import MentoringGroup
from core.permissions import can
from plugins.matching.services.pairings import form_pairing
from tests.plugins.matching.conftest import pairing_url as base


def group_status(world) -> str:
    db.session.expire_all()
    return db.session.get(MentoringGroup, world["group_a"].id).status


def test_closing_a_pairing_closes_its_group_and_extending_reopens_it(world, pairing,
                                                                    login_as):
    mentor = login_as(world["mentor_a"])
    assert group_status(world) == "active"
    assert login_as(world["mentee_a"]).post(base(world, pairing) + "/end/closed") \
        .status_code == 302
    assert group_status(world) == "closed"
    group = db.session.get(MentoringGroup, world["group_a"].id)
    assert not can(world["mentor_a"], "core.manage_sessions", None, group)
    assert can(world["mentor_a"], "core.view_sessions", None, group)
    assert mentor.get(f"/groups/{group.id}/sessions").status_code == 200
    assert mentor.get(f"/groups/{group.id}/sessions/new").status_code == 404
    # a manager extends the finished pairing: the group is writable again
    login_as(world["manager"]).post(base(world, pairing) + "/extend", data={"weeks": "2"})
    assert group_status(world) == "extended"
    assert mentor.get(f"/groups/{group.id}/sessions/new").status_code == 200


def test_completing_one_of_two_pairings_keeps_the_shared_group_open(world, pairing,
                                                                    login_as):
    form_pairing(world["programme"], world["mentor_a"], world["mentee_a2"],
                 world["manager"], group=world["group_a"])
    db.session.commit()
    login_as(world["mentor_a"]).post(base(world, pairing) + "/end/completed")
    assert group_status(world) == "active"
