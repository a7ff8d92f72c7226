"""The messages plugin's privacy hooks, demo content and declarations."""

from __future__ import annotations

from core.extensions import db
from core.models import Membership
from core.plugins import hooks, registry
from plugins.messages.models import (
    Block,
    Broadcast,
    Conversation,
    Delivery,
    Message,
    Participant,
    Preference,
    Report,
)
from plugins.messages.services.conversations import unread_total
from tests.plugins.messages.helpers import count, write


def test_export_and_erase(app, world, login_as):
    prog = world["programme"]
    mentee = world["mentee_a"]
    c = login_as(mentee)
    write(c, prog, world["mentor_a"], "My own words", file=(b"cv\n", "cv.txt"))
    c.post(f"/messages/p/{prog.id}/settings", data={"email": "daily"})
    c.post(f"/messages/p/{prog.id}/block/{world['mentor_b'].id}")
    c.post(f"/messages/p/{prog.id}/report/{world['mentor_b'].id}",
           data={"details": "Unpleasant remarks in the chat."})
    login_as(world["manager"]).post(f"/messages/p/{prog.id}/announcements/new", data={
        "audience": "programme", "subject": "Hello", "body": "All of you"})

    [data] = [d for d in hooks().export_user_data(user=mentee) if d and d.plugin == "messages"]
    assert data.records["messages_sent"][0]["text"] == "My own words"
    assert data.records["email_preferences"] == [{"programme_id": prog.id, "email": "daily"}]
    assert data.records["blocked"] == [world["mentor_b"].id]
    assert data.records["reports_made"][0]["details"] == "Unpleasant remarks in the chat."
    assert len(data.records["broadcasts_received"]) == 1
    assert [f.original_name for f in data.files] == ["cv.txt"]

    hooks().erase_user_data(user=mentee)
    db.session.commit()
    assert count(Preference) == 0 and count(Block) == 0
    assert db.session.scalar(db.select(db.func.count(Delivery.id)).where(
        Delivery.user_id == mentee.id)) == 0
    report = db.session.scalar(db.select(Report))
    assert report.reporter_id is None and report.details  # managers keep the report
    # the mentor keeps the conversation, shown as from "deleted user"
    message = db.session.scalar(db.select(Message))
    assert message.body_source == "My own words"
    page = login_as(world["mentor_a"]).get(
        f"/messages/p/{prog.id}/c/{message.conversation_id}").get_data(as_text=True)
    assert "deleted user" in page and "My own words" in page


def test_demo_content(app, make):
    from plugins.messages import demo

    prog = make.programme(title="Demo")
    users = {}
    for key, role in (("manager", "manager"), ("mentor1", "mentor"), ("mentor2", "mentor"),
                      ("mentee1", "mentee"), ("mentee2", "mentee"), ("mentee3", "mentee"),
                      ("mentee4", "mentee")):
        users[key] = make.member(prog, role, name=key)
    demo.build(prog, users)
    db.session.commit()
    assert count(Conversation) == 2 and count(Message) == 6
    pairs = {frozenset(p.user_id for p in c.participants)
             for c in db.session.scalars(db.select(Conversation))}
    assert pairs == {frozenset({users["mentor1"].id, users["mentee1"].id}),
                     frozenset({users["mentor1"].id, users["mentee2"].id})}
    broadcast = db.session.scalar(db.select(Broadcast))
    assert broadcast.sender_id == users["manager"].id and broadcast.recipient_count == 6
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 7
    # the mentor has the mentee's last question unread, the mentee the welcome message
    assert unread_total(users["mentor1"].id, prog.id) == 1
    assert unread_total(users["mentee2"].id, prog.id) == 1
    assert db.session.scalar(db.select(db.func.count(Participant.user_id))) == 4


def test_declarations(app):
    reg = registry()
    assert {"messages.use", "messages.broadcast", "messages.broadcast_programme",
            "messages.view_reports", "messages.manage_nudges"} <= set(reg.capabilities)
    assert reg.capabilities["messages.broadcast"].scope == "group"
    assert reg.settings[("messages", "inactive_days")].default == 21
    commands = {c.name for _p, cs in reg.setup_results("register_cli") for c in cs}
    assert "messages" in commands
    assert {m.__tablename__ for m in reg.models["messages"]} >= {
        "messages_conversation", "messages_message", "messages_broadcast", "messages_delivery",
        "messages_nudge", "messages_block", "messages_report", "messages_preference"}
