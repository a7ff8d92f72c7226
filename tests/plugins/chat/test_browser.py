"""The live chat page in Debian's chromium: the page's own script against a real
server, with a python-socketio client as the other person in the room."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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
