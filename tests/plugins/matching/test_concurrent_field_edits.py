"""Two tabs on a mentor's offer and on a round's plan: the second save answers 409
with its text kept, the first stays; accepted requests changing the offer row are no
conflict."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.extensions import db
from core.models import MentoringGroup
from plugins.matching.models import Offer, Pairing, Request, Round
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


def test_request_answered_in_another_tab_keeps_the_text(world, pair, login_as):
    """The mentor declines in one tab; a question typed in a stale tab is not sent,
    answers 409 and stays in its form; the decision stands."""
    prog, (mentor, mentee) = world["programme"], pair
    assert login_as(mentee).post(f"/p/{prog.id}/matching/mentors/{mentor.id}/request", data={
        "motivation": "I would like to learn web development from you."}).status_code == 302
    req = db.session.scalar(db.select(Request))
    url = f"/p/{prog.id}/matching/requests/{req.id}"
    tab1, f1, tab2, f2 = (*_tab(login_as(mentor), url, "decline-body"),
                          *_tab(login_as(mentor), url, "ask-body"))
    assert tab1.post(url + "/decline", data={**f1, "decline-body": "No room, sorry."}) \
        .status_code == 302
    resp = tab2.post(url + "/ask", data={**f2, "ask-body": "What do you want to learn?"})
    html = text(resp)
    assert resp.status_code == 409
    assert "This request has already been answered." in html
    assert form_fields(html, having="ask-body")["ask-body"] == "What do you want to learn?"
    db.session.expire_all()
    saved = db.session.get(Request, req.id)
    assert saved.status == "declined"
    assert [n.body for n in saved.notes] == ["No room, sorry."]
    # accepting from the stale tab is refused too: the request stays declined
    assert tab2.post(url + "/accept", data={**f2, "group_id": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Request, req.id).status == "declined"
    assert db.session.scalar(db.select(Pairing)) is None


def _tab(client, url: str, having: str) -> tuple:
    return client, form_fields(text(client.get(url)), having=having)
