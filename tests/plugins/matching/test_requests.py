"""Mentor offers and mentee requests: accepting forms or joins a group, capacity,
declining with a message by mail, questions first, the minimum age, who may act."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Event, GroupMember, MentoringGroup
from plugins.matching.models import Pairing, Request
from plugins.matching.services.pairings import today
from tests.plugins.matching.conftest import text

MOTIVATION = "I would like to learn how to find my first job in IT."


def ask(login_as, world, mentee, mentor, status=302):
    resp = login_as(mentee).post(
        f"/p/{world['programme'].id}/matching/mentors/{mentor.id}/request",
        data={"motivation": MOTIVATION})
    assert resp.status_code == status, text(resp)[:500]
    return db.session.scalar(db.select(Request).order_by(Request.id.desc()))


def url(world, req, action=""):
    return f"/p/{world['programme'].id}/matching/requests/{req.id}" + (f"/{action}"
                                                                      if action else "")


def test_request_then_accept_forms_a_new_group(world, pair, login_as):
    mentor, mentee = pair
    req = ask(login_as, world, mentee, mentor)
    assert req.status == "pending" and req.motivation == MOTIVATION
    resp = login_as(mentor).post(url(world, req, "accept"), data={"group_id": "0"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Request, req.id).status == "accepted"
    pairing = db.session.scalar(db.select(Pairing))
    assert (pairing.mentor_id, pairing.mentee_id, pairing.status) == (mentor.id, mentee.id,
                                                                      "active")
    assert pairing.ends_on == today() + timedelta(weeks=10)
    group = db.session.get(MentoringGroup, pairing.group_id)
    assert group.programme_id == world["programme"].id
    assert group.name == "Mentoring group of Mentor C"
    members = {(m.user_id, m.role) for m in db.session.scalars(
        db.select(GroupMember).where(GroupMember.group_id == group.id))}
    assert members == {(mentor.id, "mentor"), (mentee.id, "mentee")}
    names = set(db.session.scalars(db.select(Event.name).where(Event.group_id == group.id)))
    assert {"group_created", "group_member_added", "pairing_formed"} <= names
    # the new group's space is now open to both and to nobody else
    assert login_as(mentee).get(f"/groups/{group.id}").status_code == 200
    assert login_as(world["mentee_a"]).get(f"/groups/{group.id}").status_code == 404


def test_accepting_can_join_the_mentors_existing_group(world, make, mx, login_as):
    prog = world["programme"]
    mentee = make.member(prog, "mentee", name="Newcomer")
    mx.offer(prog, world["mentor_a"], capacity=5)
    req = ask(login_as, world, mentee, world["mentor_a"])
    page = text(login_as(world["mentor_a"]).get(url(world, req)))
    assert f'<option selected value="{world["group_a"].id}">' in page  # proposed by default
    resp = login_as(world["mentor_a"]).post(url(world, req, "accept"),
                                            data={"group_id": str(world["group_a"].id)})
    assert resp.status_code == 302
    assert db.session.get(GroupMember, (world["group_a"].id, mentee.id)).role == "mentee"
    assert db.session.scalar(db.select(db.func.count()).select_from(MentoringGroup)) == 2
    # another mentor's group cannot be chosen
    other = make.member(prog, "mentee", name="Other")
    req2 = ask(login_as, world, other, world["mentor_a"])
    resp = login_as(world["mentor_a"]).post(url(world, req2, "accept"),
                                            data={"group_id": str(world["group_b"].id)})
    assert resp.status_code == 400
    assert db.session.get(GroupMember, (world["group_b"].id, other.id)) is None


def test_capacity_is_respected_and_full_mentors_are_not_offered(world, pair, make, mx,
                                                                login_as):
    mentor, mentee = pair
    prog = world["programme"]
    offer = mx.offer(prog, make.member(prog, "mentor", name="Spare"), capacity=3)
    db.session.execute(db.update(type(offer)).where(type(offer).mentor_id == mentor.id)
                       .values(capacity=1))
    db.session.commit()
    second = make.member(prog, "mentee", name="Second")
    mx.profile(prog, second)
    first_req = ask(login_as, world, mentee, mentor)
    second_req = ask(login_as, world, second, mentor)
    assert login_as(mentor).post(url(world, first_req, "accept"),
                                 data={"group_id": "0"}).status_code == 302
    resp = login_as(mentor).post(url(world, second_req, "accept"), data={"group_id": "0"},
                                 follow_redirects=True)
    assert "no room left" in text(resp)
    db.session.expire_all()
    assert db.session.get(Request, second_req.id).status == "pending"
    assert db.session.scalar(db.select(db.func.count()).select_from(Pairing)) == 1
    # the full mentor is no longer suggested, and a new request is refused
    third = make.member(prog, "mentee", name="Third")
    mx.profile(prog, third)
    found = text(login_as(third).get(f"/p/{prog.id}/matching/mentors"))
    assert "Mentor C" not in found and "Spare" in found
    resp = login_as(third).post(f"/p/{prog.id}/matching/mentors/{mentor.id}/request",
                                data={"motivation": MOTIVATION})
    assert resp.status_code == 200 and "no room" in text(resp)
    # closing the pairing frees the place again
    pairing = db.session.scalar(db.select(Pairing))
    login_as(mentor).post(f"/p/{prog.id}/matching/pairings/{pairing.id}/end/closed")
    assert "Mentor C" in text(login_as(third).get(f"/p/{prog.id}/matching/mentors"))


def test_decline_notifies_the_mentee_by_mail(world, pair, login_as, smtp):
    mentor, mentee = pair
    req = ask(login_as, world, mentee, mentor)
    smtp.wait(1)
    assert [m["Subject"] for m in smtp.to(mentor.email)] == [
        f"[{world['programme'].title}] Mentee C asks you to be their mentor"]
    assert MOTIVATION in smtp.body(smtp.to(mentor.email)[0])
    resp = login_as(mentor).post(url(world, req, "decline"), data={
        "decline-body": "My places are full this spring; try Mentor A, who knows the field."})
    assert resp.status_code == 302
    smtp.wait(2)
    mails = smtp.to(mentee.email)
    assert len(mails) == 1
    assert "Mentor C cannot mentor you this time" in mails[0]["Subject"]
    body = smtp.body(mails[0])
    assert "My places are full this spring; try Mentor A" in body
    assert f"/matching/requests/{req.id}" in body
    assert db.session.get(Request, req.id).status == "declined"
    assert db.session.scalar(db.select(db.func.count()).select_from(Pairing)) == 0
    # a request concerns its two people: it is not in anyone else's "what is new"
    for who in ("mentee_b", "manager"):
        assert "Mentee C" not in text(login_as(world[who]).get("/dashboard"))


def test_decline_needs_a_message(world, pair, login_as):
    mentor, mentee = pair
    req = ask(login_as, world, mentee, mentor)
    resp = login_as(mentor).post(url(world, req, "decline"), data={"decline-body": ""})
    assert resp.status_code == 400 and "This field is required." in text(resp)
    assert db.session.get(Request, req.id).status == "pending"


def test_question_first_then_answer(world, pair, login_as, smtp):
    mentor, mentee = pair
    req = ask(login_as, world, mentee, mentor)
    login_as(mentor).post(url(world, req, "ask"), data={"ask-body": "Which projects?"})
    assert db.session.get(Request, req.id).status == "question"
    smtp.wait(2)
    assert "Which projects?" in smtp.body(smtp.to(mentee.email)[0])
    login_as(mentee).post(url(world, req, "answer"), data={"answer-body": "A web shop."})
    db.session.expire_all()
    assert db.session.get(Request, req.id).status == "pending"
    page = text(login_as(mentor).get(url(world, req)))
    assert "Which projects?" in page and "A web shop." in page


def test_one_open_request_per_mentor(world, pair, login_as):
    mentor, mentee = pair
    ask(login_as, world, mentee, mentor)
    resp = ask(login_as, world, mentee, mentor, status=200)
    assert resp is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 1


def test_minimum_age_is_checked_where_set(world, pair, mx, login_as):
    mentor, mentee = pair
    prog = world["programme"]
    mx.settings(prog, min_age=18)
    # the mentor has not confirmed: not suggested, cannot be asked
    assert "Mentor C" not in text(login_as(mentee).get(f"/p/{prog.id}/matching/mentors"))
    resp = login_as(mentee).post(f"/p/{prog.id}/matching/mentors/{mentor.id}/request",
                                 data={"motivation": MOTIVATION})
    assert resp.status_code == 200 and "at least 18" in text(resp)
    db.session.execute(db.text("UPDATE matching_profile SET age_confirmed = 18 "
                               f"WHERE user_id = {mentor.id}"))
    db.session.commit()
    resp = login_as(mentee).post(f"/p/{prog.id}/matching/mentors/{mentor.id}/request",
                                 data={"motivation": MOTIVATION})
    assert "The mentee has not confirmed being at least 18 years old." in text(resp)
    # the mentee confirms through the profile form: only the confirmation is stored
    client = login_as(mentee)
    client.post(f"/p/{prog.id}/matching/profile", data={
        "age_confirmed": "y", **{f"vis_{f}": "programme" for f in (
            "headline", "bio", "photo", "languages", "competences", "interests",
            "availability", "goals")}})
    ask(login_as, world, mentee, mentor)
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 1


def test_no_minimum_age_by_default(world, pair, login_as):
    mentor, mentee = pair
    assert ask(login_as, world, mentee, mentor).status == "pending"


@pytest.mark.parametrize("who,action,status", [
    ("mentor_a", "accept", 404),      # another mentor
    ("mentee_a", "accept", 404),      # a mentee cannot accept
    ("manager", "accept", 404),       # mentors choose whom to mentor
    ("outsider", "accept", 404),
    ("mentee_a", "", 404),            # another mentee cannot read it
    ("manager", "", 200),             # managers can follow it
    ("outsider", "", 404),
    ("mentor_a", "withdraw", 404),
])
def test_who_may_see_and_act_on_a_request(world, pair, login_as, who, action, status):
    mentor, mentee = pair
    req = ask(login_as, world, mentee, mentor)
    client = login_as(world[who])
    resp = (client.post(url(world, req, action), data={"group_id": "0"}) if action
            else client.get(url(world, req)))
    assert resp.status_code == status
    assert db.session.get(Request, req.id).status == "pending"


def test_withdraw_asks_for_confirmation(world, pair, login_as):
    mentor, mentee = pair
    req = ask(login_as, world, mentee, mentor)
    client = login_as(mentee)
    assert "Withdraw your request to Mentor C?" in text(client.get(url(world, req,
                                                                       "withdraw")))
    assert db.session.get(Request, req.id).status == "pending"
    client.post(url(world, req, "withdraw"))
    db.session.expire_all()
    assert db.session.get(Request, req.id).status == "withdrawn"


def test_mentor_offer_form(world, login_as):
    prog = world["programme"]
    client = login_as(world["mentor_b"])
    resp = client.post(f"/p/{prog.id}/matching/offer", data={
        "topics": "CV, interviews; cv", "capacity": "3", "open": "y", "note": "Evenings"})
    assert resp.status_code == 302
    from plugins.matching.models import Offer

    offer = db.session.scalar(db.select(Offer))
    assert offer.topics == ["CV", "interviews"] and offer.capacity == 3 and offer.open
    resp = client.post(f"/p/{prog.id}/matching/offer", data={"topics": "x", "capacity": "0"})
    assert resp.status_code == 200 and db.session.get(Offer, offer.id).capacity == 3
    assert login_as(world["mentee_a"]).get(f"/p/{prog.id}/matching/offer").status_code == 404
