"""The live chat page in Debian's chromium: the page's own script against a real
server, with a python-socketio client as the other person in the room."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.extensions import db
from plugins.chat.models import ChatMessage
from tests.browser.fixtures import axe_violations, log_in

pytestmark = pytest.mark.browser



def test_live_room_shows_people_messages_and_acknowledged_sends(page, server, world, rooms,
                                                               clients):
    chat = rooms["shared"]
    log_in(page, server, world["mentor_a"].email)
    page.goto(f"{server}/chat/{chat.id}")
    people = page.locator("#chat-people")
    log = page.locator("#chat-log")
    expect(people).to_contain_text("Mentor A (you)")
    expect(people).not_to_contain_text("Mentee A")

    mentee = clients(server, world["mentee_a"]).connect(chat)
    expect(people).to_contain_text("Mentee A")
    expect(log).to_contain_text("Mentee A joined the chat.")

    mentee.send("Hello from the python client")
    expect(log).to_contain_text("Hello from the python client")

    box = page.get_by_label("Message", exact=True)
    box.fill("Hello from the browser")
    box.press("Enter")
    own = log.locator("li.chat-own", has_text="Hello from the browser")
    expect(own.locator(".chat-state")).to_have_text("sent")  # only after the server's ack
    mentee.wait_for_body("Hello from the browser")

    mentee.close()
    expect(log).to_contain_text("Mentee A left the chat.")
    expect(people).not_to_contain_text("Mentee A")
    expect(people).to_contain_text("Mentor A (you)")
    assert axe_violations(page) == []


def test_a_hole_in_the_numbers_is_filled_in_order(page, server, world, rooms, clients):
    """A message stored without reaching this process (as during a Redis outage on
    another socket process) is fetched as soon as a later one shows the hole."""
    chat = rooms["shared"]
    log_in(page, server, world["mentor_a"].email)
    page.goto(f"{server}/chat/{chat.id}")
    log = page.locator("#chat-log")
    mentee = clients(server, world["mentee_a"]).connect(chat)
    expect(page.locator("#chat-people")).to_contain_text("Mentee A")
    assert mentee.send("first")["ok"]
    expect(log).to_contain_text("first")
    db.session.add(ChatMessage(room=f"a{chat.id}", activity_id=chat.id,
                               author_id=world["mentee_a2"].id, client_id="elsewhere-0001",
                               body="sent elsewhere"))
    db.session.commit()  # stored, never broadcast here
    assert mentee.send("third")["ok"]
    bodies = log.locator("li[data-seq] .chat-body")
    expect(bodies).to_have_text(["first", "sent elsewhere", "third"])
    assert log.locator("li[data-seq]").evaluate_all(
        "items => items.map(li => Number(li.getAttribute('data-seq')))") == [1, 2, 3]
