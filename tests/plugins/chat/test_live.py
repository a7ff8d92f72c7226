"""The live chat against a real server with real Socket.IO clients: who gets
what, storing before broadcasting, acknowledgements, retries, replay after a
reconnection, presence, removal and refusals."""

from __future__ import annotations

import secrets

import pytest
import socketio
from sqlalchemy import create_engine, text

from core.extensions import db
from core.models import Event, GroupMember
from tests.plugins.chat.conftest import ChatClient, http_login, stored, wait_until


def test_delivered_to_everyone_in_the_room_and_nobody_outside(server, world, rooms, clients):
    chat = rooms["separate"]
    sender = clients(server, world["mentee_a"]).connect(chat, world["group_a"])
    mentor = clients(server, world["mentor_a"]).connect(chat, world["group_a"])
    manager = clients(server, world["manager"]).connect(chat, world["group_a"])
    other_group = clients(server, world["mentee_b"]).connect(chat, world["group_b"])
    shared = clients(server, world["mentee_a2"]).connect(rooms["shared"])

    ack = sender.send("Hello group A")
    assert ack["ok"] is True and ack["message"]["body"] == "Hello group A", ack
    for c in (sender, mentor, manager):
        c.wait_for_body("Hello group A")
    # a later message in group B reaches its member: had the first one leaked to
    # them, it would have arrived before (one ordered connection per client)
    clients(server, world["mentor_b"]).connect(chat, world["group_b"]).send("Hello group B")
    other_group.wait_for_body("Hello group B")
    shared_ack = clients(server, world["manager"]).connect(rooms["shared"]).send("Everyone")
    assert shared_ack["ok"]
    shared.wait_for_body("Everyone")
    assert other_group.bodies() == ["Hello group B"]
    assert shared.bodies() == ["Everyone"]
    assert "Hello group B" not in mentor.bodies()
    row = stored(body="Hello group A")[0]
    assert row.room == f"a{chat.id}g{world['group_a'].id}"
    assert row.author_id == world["mentee_a"].id and row.group_id == world["group_a"].id


@pytest.mark.parametrize("who, group, allowed", [
    ("mentee_a", "group_a", True), ("mentor_a", "group_a", True), ("manager", "group_a", True),
    ("admin", "group_b", True), ("mentee_b", "group_a", False), ("mentor_b", "group_a", False),
    ("mentee_a", "group_b", False), ("outsider", "group_a", False), ("mentee_a", None, False),
])
def test_joining_a_group_room_needs_membership(server, world, rooms, clients, who, group,
                                               allowed):
    client = clients(server, world[who])
    target = world[group] if group else None
    if allowed:
        client.connect(rooms["separate"], target)
        assert client.call("sync")["ok"] is True
    else:
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(rooms["separate"], target)


def test_shared_room_refuses_a_group_and_other_programmes(server, world, rooms, clients, make):
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(rooms["shared"], world["group_a"])
    other = make.programme()
    elsewhere = make.activity(other, "chat.room", title="Elsewhere")
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(elsewhere)
    hidden = make.activity(world["programme"], "chat.room", title="Hidden", visible=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(hidden)
    not_chat = make.activity(world["programme"], "forum.forum", plugin="forum")
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(not_chat)


def test_without_a_session_or_from_another_origin_refused(server, world, rooms, clients):
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server).connect(rooms["shared"])
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(rooms["shared"], origin="http://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(rooms["shared"],
                                                   origin=server.replace("127.0.0.1", "localhost"))
    ok = clients(server, world["mentee_a"]).connect(rooms["shared"])  # same origin
    assert ok.call("sync")["ok"] is True


def test_removed_from_the_group_refused_at_the_next_message(server, world, rooms, clients):
    chat, group = rooms["separate"], world["group_a"]
    mentee = clients(server, world["mentee_a"]).connect(chat, group)
    mentor = clients(server, world["mentor_a"]).connect(chat, group)
    assert mentee.send("Still here")["ok"]
    db.session.execute(db.delete(GroupMember).where(GroupMember.user_id == world["mentee_a"].id))
    db.session.commit()
    refused = mentee.send("Am I still here?")
    assert refused["ok"] is False and refused["error"] == "forbidden"
    assert "no longer" in refused["message"]
    assert mentee.disconnected.wait(8)
    mentor.send("After removal")
    mentor.wait_for_body("After removal")
    assert [m.body for m in stored()] == ["Still here", "After removal"]
    assert "After removal" not in mentee.bodies()


def test_removing_a_member_on_the_group_page_ends_their_connection(server, world, rooms,
                                                                    clients):
    chat, group = rooms["separate"], world["group_a"]
    mentee = clients(server, world["mentee_a"]).connect(chat, group)
    manager = http_login(server, world["manager"])
    page = manager.get(f"{server}/groups/{group.id}")
    from tests.plugins.chat.conftest import csrf_token

    resp = manager.post(f"{server}/groups/{group.id}/members/{world['mentee_a'].id}/remove",
                        data={"csrf_token": csrf_token(page.text)}, allow_redirects=False)
    assert resp.status_code == 302
    assert mentee.disconnected.wait(8)


def test_message_is_stored_before_it_is_broadcast(server, world, rooms, clients, app):
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    seen: dict[str, bool] = {}
    listener = clients(server, world["mentor_a"])

    def check_row(name: str, data: dict) -> None:
        if name == "message":
            with engine.connect() as conn:
                found = conn.execute(text("SELECT body FROM chat_message WHERE id = :id"),
                                     {"id": data["id"]}).scalar()
            seen[data["body"]] = found == data["body"]

    listener.on_event = check_row
    listener.connect(rooms["separate"], world["group_a"])
    sender = clients(server, world["mentee_a"]).connect(rooms["separate"], world["group_a"])
    for i in range(5):
        assert sender.send(f"stored {i}")["ok"]
    wait_until(lambda: len(seen) == 5, what="five broadcasts")
    engine.dispose()
    assert seen == {f"stored {i}": True for i in range(5)}
    events = db.session.execute(db.select(Event).where(Event.name == "chat_message_sent")).scalars()
    assert sorted(e.object_id for e in events) == [m.id for m in stored()]


def test_retried_send_is_stored_once_and_acknowledged_each_time(server, world, rooms, clients):
    sender = clients(server, world["mentee_a"]).connect(rooms["shared"])
    other = clients(server, world["mentor_a"]).connect(rooms["shared"])
    cid = secrets.token_hex(12)
    first = sender.send("Once only", client_id=cid)
    again = sender.send("Once only", client_id=cid)
    assert first["ok"] and again["ok"]
    assert first["message"]["id"] == again["message"]["id"]
    other.send("after")
    other.wait_for_body("after")
    assert other.bodies() == ["Once only", "after"]
    assert len(stored(client_id=cid)) == 1


def test_missed_messages_are_replayed_after_a_reconnect(server, world, rooms, clients):
    chat, group = rooms["separate"], world["group_a"]
    mentor = clients(server, world["mentor_a"]).connect(chat, group)
    mentee = clients(server, world["mentee_a"]).connect(chat, group)
    mentor.send("before the break")
    last_seen = mentee.wait_for_body("before the break")["id"]
    mentee.close()
    for i in range(3):
        assert mentor.send(f"missed {i}")["ok"]
    back = ChatClient(server, mentee.session).connect(chat, group)
    try:
        replay = back.call("sync", {"after": last_seen})
        assert replay["ok"] and replay["more"] is False
        assert [m["body"] for m in replay["messages"]] == ["missed 0", "missed 1", "missed 2"]
        assert replay["status"] == "ok"
        assert {u["name"] for u in replay["users"]} == {"Mentor A", "Mentee A"}
    finally:
        back.close()


def test_history_gives_the_last_fifty_then_scrolls_back(server, world, rooms, clients):
    from plugins.chat.models import ChatMessage

    chat = rooms["shared"]
    for i in range(120):
        db.session.add(ChatMessage(room=f"a{chat.id}", activity_id=chat.id,
                                   author_id=world["mentor_a"].id, client_id=f"seed-{i:04d}",
                                   body=f"old {i}"))
    db.session.commit()
    client = clients(server, world["mentee_a"]).connect(chat)
    latest = client.call("sync")
    assert [m["body"] for m in latest["messages"]] == [f"old {i}" for i in range(70, 120)]
    assert latest["more"] is True
    older = client.call("history", {"before": latest["messages"][0]["id"]})
    assert [m["body"] for m in older["messages"]] == [f"old {i}" for i in range(20, 70)]
    oldest = client.call("history", {"before": older["messages"][0]["id"]})
    assert len(oldest["messages"]) == 20 and oldest["more"] is False


def test_presence_lists_people_and_announces_joins_and_leaves(server, world, rooms, clients):
    chat = rooms["shared"]
    mentor = clients(server, world["mentor_a"]).connect(chat)
    mentee = clients(server, world["mentee_a"]).connect(chat)
    wait_until(lambda: [p for p in mentor.received("presence") if p["joined"]
                        and p["joined"]["id"] == world["mentee_a"].id], what="join notice")
    assert {u["name"] for u in mentor.call("sync")["users"]} == {"Mentor A", "Mentee A"}
    second_tab = clients(server, world["mentee_a"]).connect(chat)
    assert {u["name"] for u in second_tab.call("sync")["users"]} == {"Mentor A", "Mentee A"}
    second_tab.close()  # another tab of the same person: no leave notice yet
    mentee.close()
    left = wait_until(lambda: [p for p in mentor.received("presence") if p["left"]],
                      what="leave notice")
    assert len(left) == 1 and left[0]["left"]["id"] == world["mentee_a"].id
    assert mentor.call("sync")["users"] == [{"id": world["mentor_a"].id, "name": "Mentor A"}]
    # a notice names one person, never the whole room (n arrivals must not cost n² bytes)
    assert all(set(p) == {"joined", "left"} for p in mentor.received("presence"))
    joins = [p["joined"]["id"] for p in mentor.received("presence") if p["joined"]]
    assert joins.count(world["mentee_a"].id) == 1  # the second tab was not announced


def test_mentor_removes_a_message_kept_as_removed(server, world, rooms, clients):
    chat, group = rooms["separate"], world["group_a"]
    mentee = clients(server, world["mentee_a"]).connect(chat, group)
    mentor = clients(server, world["mentor_a"]).connect(chat, group)
    message = mentee.send("my phone is 555 0199")["message"]
    refused = mentee.call("remove", {"id": message["id"]})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    other_room = clients(server, world["mentor_b"]).connect(chat, world["group_b"])
    assert other_room.call("remove", {"id": message["id"]})["error"] == "not_found"
    assert mentor.call("remove", {"id": message["id"]})["ok"] is True
    wait_until(lambda: mentee.received("removed"), what="removal notice")
    assert mentee.received("removed") == [{"id": message["id"]}]
    row = stored()[0]
    assert row.removed_at is not None and row.removed_by_id == world["mentor_a"].id
    assert row.body == "my phone is 555 0199"  # kept for the record
    replay = mentee.call("sync")["messages"]
    assert replay[0]["removed"] is True and replay[0]["body"] == ""
    assert db.session.scalar(db.select(db.func.count(Event.id)).where(
        Event.name == "chat_message_removed")) == 1


@pytest.mark.parametrize("body, code", [("", "empty"), ("   \n ", "empty"),
                                        ("x" * 2001, "too_long")])
def test_bad_messages_refused_with_a_reason(server, world, rooms, clients, body, code):
    client = clients(server, world["mentee_a"]).connect(rooms["shared"])
    ack = client.send(body)
    assert ack["ok"] is False and ack["error"] == code and ack["message"]
    assert client.call("send", {"body": "hi", "client_id": "<bad>"})["error"] == "bad_request"
    assert stored() == []


def test_message_text_is_stored_plain_and_cleaned(server, world, rooms, clients):
    client = clients(server, world["mentee_a"]).connect(rooms["shared"])
    ack = client.send("  <b>bold</b>\u202e evil\x07\r\nsecond line  ")
    assert ack["message"]["body"] == "<b>bold</b> evil\nsecond line"
    assert stored()[0].body == "<b>bold</b> evil\nsecond line"


def test_huge_ids_in_socket_messages_are_refused_not_crashing(server, world, rooms, clients,
                                                              app):
    """Ids beyond the database's range (activity, group, message, after, before) are
    answered as unknown instead of overflowing in the database driver."""
    huge = 2**64
    mentor = clients(server, world["mentor_a"]).connect(rooms["separate"], world["group_a"])
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(huge)
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, world["mentee_a"]).connect(rooms["separate"], huge)
    assert mentor.send("Hello")["ok"]
    assert mentor.call("sync", {"after": huge})["ok"]
    assert mentor.call("history", {"before": huge})["ok"]
    assert mentor.call("remove", {"id": huge})["error"] == "not_found"
    assert mentor.send("Still here")["ok"]
