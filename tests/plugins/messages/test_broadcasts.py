"""Broadcasts: exactly the chosen audience, who may choose which audience, e-mail by
preference (immediately, daily digest, off) over real SMTP."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.messages.models import Broadcast, Delivery, Preference
from plugins.messages.services.digest import send_digests
from tests.plugins.messages.helpers import count, recipients, write


def _send(client, prog, audience: str, subject: str = "Week 3", body: str = "Meet on *Friday*"):
    return client.post(f"/messages/p/{prog.id}/announcements/new",
                       data={"audience": audience, "subject": subject, "body": body})


def _delivered(broadcast_id: int | None = None) -> list[int]:
    stmt = db.select(Delivery.user_id)
    if broadcast_id:
        stmt = stmt.where(Delivery.broadcast_id == broadcast_id)
    return sorted(db.session.scalars(stmt))


AUDIENCES = {
    "programme": ["mentor_a", "mentor_b", "mentee_a", "mentee_a2", "mentee_b"],
    "role:mentee": ["mentee_a", "mentee_a2", "mentee_b"],
    "role:mentor": ["mentor_a", "mentor_b"],
    "group:A": ["mentor_a", "mentee_a", "mentee_a2"],
    "group:B": ["mentor_b", "mentee_b"],
}


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_manager_broadcast_reaches_exactly_the_audience(app, world, make, login_as, smtp,
                                                        audience):
    prog = world["programme"]
    # people who must never receive it: another programme's members, the outsider
    other = make.programme()
    make.member(other, "mentee", name="Elsewhere")
    make.member(other, "mentor", user=world["mentor_a"])
    value = audience
    if audience.startswith("group:"):
        value = f"group:{world['group_' + audience[-1].lower()].id}"
    resp = _send(login_as(world["manager"]), prog, value)
    assert resp.status_code == 302
    expected = AUDIENCES[audience]
    want_ids = sorted(world[k].id for k in expected)
    assert _delivered() == want_ids
    broadcast = db.session.scalar(db.select(Broadcast))
    assert broadcast.recipient_count == len(expected)
    assert broadcast.body_html == "<p>Meet on <em>Friday</em></p>"
    smtp.wait(len(expected))
    assert recipients(smtp) == sorted(world[k].email for k in expected)
    assert all(len(m.envelope_rcpt) == 1 for m in smtp.messages)  # one mail each
    mail = smtp.to(world[expected[0]].email)[0]
    assert mail["Subject"] == f"[{prog.title}] Week 3"
    assert "Meet on *Friday*" in smtp.body(mail)


def test_mentor_broadcasts_only_to_own_groups(app, world, login_as, smtp):
    prog = world["programme"]
    mentor = login_as(world["mentor_a"])
    form = mentor.get(f"/messages/p/{prog.id}/announcements/new").get_data(as_text=True)
    assert f'value="group:{world["group_a"].id}"' in form
    assert f'value="group:{world["group_b"].id}"' not in form
    assert 'value="programme"' not in form and 'value="role:mentee"' not in form
    for refused in (f"group:{world['group_b'].id}", "programme", "role:mentee", "group:9999",
                    "nonsense"):
        resp = _send(mentor, prog, refused)
        assert resp.status_code == 403, refused
        assert "You cannot send a message to this audience." in resp.get_data(as_text=True)
    assert count(Broadcast) == 0 and count(Delivery) == 0
    assert _send(mentor, prog, f"group:{world['group_a'].id}").status_code == 302
    assert _delivered() == sorted([world["mentee_a"].id, world["mentee_a2"].id])
    smtp.wait(2)
    assert recipients(smtp) == sorted([world["mentee_a"].email, world["mentee_a2"].email])


@pytest.mark.parametrize("who", ["mentee_a", "outsider"])
def test_mentees_and_outsiders_cannot_broadcast(app, world, login_as, who):
    prog = world["programme"]
    c = login_as(world[who])
    assert c.get(f"/messages/p/{prog.id}/announcements/new").status_code == 404
    assert _send(c, prog, f"group:{world['group_a'].id}").status_code == 404
    assert count(Broadcast) == 0


def test_group_of_another_programme_is_refused(app, world, make, login_as):
    prog = world["programme"]
    other = make.programme()
    foreign = make.group(other, "Foreign", [(make.member(other, "mentee"), "mentee")])
    resp = _send(login_as(world["manager"]), prog, f"group:{foreign.id}")
    assert resp.status_code == 403 and count(Delivery) == 0


def test_empty_audience_saves_nothing(app, make, login_as):
    prog = make.programme()
    manager = make.member(prog, "manager")
    resp = _send(login_as(manager), prog, "role:mentee", body="Kept text")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Nobody is in this audience yet." in page and "Kept text" in page
    assert count(Broadcast) == 0


def test_recipients_read_it_in_the_app_and_others_cannot(app, world, login_as):
    prog = world["programme"]
    _send(login_as(world["manager"]), prog, f"group:{world['group_a'].id}")
    broadcast = db.session.scalar(db.select(Broadcast))
    url = f"/messages/p/{prog.id}/announcements/{broadcast.id}"
    mentee = login_as(world["mentee_a"])
    listing = mentee.get(f"/messages/p/{prog.id}/announcements").get_data(as_text=True)
    assert "Week 3" in listing and "new" in listing
    page = mentee.get(url).get_data(as_text=True)
    assert "<em>Friday</em>" in page and "to Group A (mentoring group)" in page
    delivery = db.session.scalar(db.select(Delivery).where(
        Delivery.user_id == world["mentee_a"].id))
    assert delivery.read_at is not None
    for who, status in (("mentee_b", 404), ("mentor_b", 404), ("outsider", 404),
                        ("manager", 200), ("mentor_a", 200)):
        assert login_as(world[who]).get(url).status_code == status, who


def _prefer(user, prog, email: str) -> None:
    db.session.add(Preference(user_id=user.id, programme_id=prog.id, email=email))
    db.session.commit()


def test_mail_follows_each_persons_preference_and_digest(app, world, login_as, smtp):
    prog = world["programme"]
    _prefer(world["mentee_a"], prog, "daily")
    _prefer(world["mentee_a2"], prog, "off")
    _prefer(world["mentor_b"], prog, "daily")
    _send(login_as(world["manager"]), prog, "programme", subject="Kick-off")
    smtp.wait(2)
    # immediately: only those who did not choose otherwise
    assert recipients(smtp) == sorted([world["mentor_a"].email, world["mentee_b"].email])
    states = dict(db.session.execute(db.select(Delivery.user_id, Delivery.mail_state)).all())
    assert states[world["mentee_a"].id] == "pending"
    assert states[world["mentee_a2"].id] == "none"
    # mentor_b reads it on the site before the digest: nothing to summarise for them
    login_as(world["mentor_b"]).get(
        f"/messages/p/{prog.id}/announcements/{db.session.scalar(db.select(Broadcast.id))}")
    # a private message for the daily reader goes in the same digest
    write(login_as(world["mentor_a"]), prog, world["mentee_a"], "See you on Friday")
    smtp.messages.clear()
    assert send_digests() == 1
    smtp.wait(1)
    assert recipients(smtp) == [world["mentee_a"].email]
    body = smtp.body(smtp.messages[0])
    assert "Kick-off" in body and "1 unread message" in body
    assert "See you on Friday" not in body
    # run again: nothing new, nothing sent
    assert send_digests() == 0
    assert len(smtp.messages) == 1


def test_digest_command(app, world, login_as, smtp):
    prog = world["programme"]
    _prefer(world["mentee_b"], prog, "daily")
    _send(login_as(world["manager"]), prog, "role:mentee")
    smtp.wait(2)
    smtp.messages.clear()
    result = app.test_cli_runner().invoke(args=["messages", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest(s) sent." in result.output
    smtp.wait(1)
    assert recipients(smtp) == [world["mentee_b"].email]


def test_preference_page_saves_per_programme(app, world, make, login_as):
    prog = world["programme"]
    other = make.programme()
    make.member(other, "mentee", user=world["mentee_a"])
    c = login_as(world["mentee_a"])
    assert 'checked id="email-0"' in c.get(
        f"/messages/p/{prog.id}/settings").get_data(as_text=True)
    assert c.post(f"/messages/p/{prog.id}/settings", data={"email": "daily"}).status_code == 302
    assert c.post(f"/messages/p/{prog.id}/settings",
                  data={"email": "weekly"}).status_code == 200  # not a choice: not saved
    rows = db.session.execute(db.select(Preference.programme_id, Preference.email)).all()
    assert rows == [(prog.id, "daily")]
    assert 'checked id="email-0"' in c.get(
        f"/messages/p/{other.id}/settings").get_data(as_text=True)
