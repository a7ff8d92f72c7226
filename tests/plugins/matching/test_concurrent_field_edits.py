"""Two tabs on a mentor's offer and on a round's plan: the second save answers 409
with its text kept, the first stays; accepted requests changing the offer row are no
conflict."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.extensions import db
from core.models import Activity, MentoringGroup
from plugins.matching.models import Offer, Round
from plugins.matching.services.pairings import today
from tests.forms import form_fields, second_save_refused, two_tabs
from tests.plugins.matching.conftest import text


@pytest.mark.parametrize("existing", [False, True])
def test_offer_edit_conflict(world, mx, login_as, existing):
    prog = world["programme"]
    if existing:
        mx.offer(prog, world["mentor_a"], topics=["careers"])
    url = f"/p/{prog.id}/matching/offer"
    page = second_save_refused(login_as, world["mentor_a"], url, "note", "Note one",
                               "Note two", extra={"topics": "careers"})
    assert "Note one" in page
    assert [o.note for o in db.session.scalars(db.select(Offer))] == ["Note one"]


def test_offer_claims_in_between_are_no_conflict(world, mx, login_as):
    prog = world["programme"]
    offer = mx.offer(prog, world["mentor_a"], topics=["careers"])
    url = f"/p/{prog.id}/matching/offer"
    tab1, f1, _tab2, _f2 = two_tabs(login_as, world["mentor_a"], url)
    # an accepted request takes a place: the offer row changes, not the fields edited
    db.session.execute(update(Offer).where(Offer.id == offer.id)
                       .values(claims=Offer.claims + 1))
    db.session.commit()
    assert tab1.post(url, data={**f1, "note": "New note"}).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Offer, offer.id)
    assert (saved.note, saved.claims) == ("New note", 1)


@pytest.fixture
def round_activity(world, make, login_as):
    prog = world["programme"]
    section = make.section(prog, "Speed mentoring")
    resp = login_as(world["manager"]).post(f"/p/{prog.id}/activities/new", data={
        "type": "matching.round", "section_id": str(section.id), "title": "Spring round",
        "group_mode": "shared", "visible": "y"})
    assert resp.status_code == 302, text(resp)[:400]
    return db.session.scalar(db.select(Activity).where(Activity.type == "matching.round"))


def test_round_plan_conflict(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}/plan"
    page = second_save_refused(login_as, world["manager"], url, "topic_2", "Topic one",
                               "Topic two")
    assert "Topic one" in page
    rnd = db.session.scalar(db.select(Round))
    assert [w.topic for w in rnd.week_topics][1] == "Topic one"


def test_round_plan_conflict_on_the_period(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}/plan"
    later = (today() + timedelta(days=7)).isoformat()
    second_save_refused(login_as, world["manager"], url, "starts_on", later,
                        (today() + timedelta(days=14)).isoformat())
    assert db.session.scalar(db.select(Round)).starts_on.isoformat() == later


def test_round_plan_merged_after_conflict_is_saved(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}/plan"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["manager"], url)
    assert tab1.post(url, data={**f1, "guidance_1": "One"}).status_code == 302
    resp = tab2.post(url, data={**f2, "guidance_1": "Two"})
    assert resp.status_code == 409
    kept = form_fields(text(resp))
    assert tab2.post(url, data={**kept, "guidance_1": "One and two"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Round)).week_topics[0].guidance == "One and two"


def test_group_rename_after_a_pairing_changed_the_group_is_no_conflict(world, pairing,
                                                                       login_as):
    """Matching writes the group row (a pairing's end or extension carries over to its
    status); a rename loaded before that still saves."""
    gid = world["group_a"].id
    manager = login_as(world["manager"])
    rename = form_fields(text(manager.get(f"/groups/{gid}")), having="name")
    base = f"/p/{world['programme'].id}/matching/pairings/{pairing.id}"
    assert manager.post(base + "/extend", data={"weeks": "2"}).status_code == 302
    assert manager.post(f"/groups/{gid}/rename", data={**rename, "name": "Renamed"}) \
        .status_code == 302
    db.session.expire_all()
    group = db.session.get(MentoringGroup, gid)
    assert (group.name, group.status) == ("Renamed", "extended")
