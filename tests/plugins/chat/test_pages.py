"""Chat pages in the test client: the room without JavaScript, permissions,
removal, transcripts and their exports, privacy, demo content, query counts."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from core.extensions import db
from core.models import Event, utcnow
from plugins.chat.exports import neutralise
from plugins.chat.models import ChatMessage
from plugins.chat.rooms import room_key
from tests.plugins.chat.conftest import stored


def add(chat, author, body, group=None, at=None, **kw) -> ChatMessage:
    n = db.session.scalar(db.select(db.func.count(ChatMessage.id)))
    m = ChatMessage(room=room_key(chat.id, group.id if group else None), activity_id=chat.id,
                    group_id=group.id if group else None, author_id=author.id,
                    client_id=f"test-{n:06d}", body=body, created_at=at or utcnow(), **kw)
    db.session.add(m)
    db.session.commit()
    return m


def page(chat, group=None) -> str:
    return f"/chat/{chat.id}" + (f"?group={group.id}" if group else "")


def test_room_shows_the_last_fifty_and_older_ones_without_javascript(world, rooms, login_as):
    chat = rooms["shared"]
    for i in range(60):
        add(chat, world["mentor_a"], f"line {i:02d}")
    c = login_as(world["mentee_a"])
    html = c.get(page(chat)).get_data(as_text=True)
    assert "line 59" in html and "line 10" in html and "line 09" not in html
    assert 'aria-live="polite"' in html and 'for="chat-body"' in html
    first = stored()[10].id
    assert f"before={first}" in html
    older = c.get(f"/chat/{chat.id}?before={first}").get_data(as_text=True)
    assert "line 00" in older and "line 09" in older and "line 10" not in older
    assert "Back to the latest messages" in older


MATRIX = [  # who, group asked for, expected status
    ("mentee_a", "group_a", 200), ("mentor_a", "group_a", 200), ("manager", "group_a", 200),
    ("manager", "group_b", 200), ("admin", "group_b", 200), ("mentee_a", "group_b", 404),
    ("mentor_a", "group_b", 404), ("mentee_b", "group_a", 404), ("outsider", "group_a", 404),
]


@pytest.mark.parametrize("who, group, code", MATRIX)
def test_separate_room_pages_by_role_and_group(world, rooms, login_as, who, group, code):
    chat = rooms["separate"]
    c = login_as(world[who])
    assert c.get(page(chat, world[group])).status_code == code
    post = c.post(f"/chat/{chat.id}/messages?group={world[group].id}",
                  data={"body": "hi", "client_id": f"matrix-{who}-{group}"})
    assert post.status_code == (302 if code == 200 else 404)
    assert c.get(f"/chat/{chat.id}/transcripts?group={world[group].id}").status_code == (
        200 if code == 200 and who != "mentee_a" else 404)


def test_separate_room_without_a_group_says_so(world, rooms, login_as, make):
    lonely = make.member(world["programme"], "mentee", name="Lonely")
    html = login_as(lonely).get(page(rooms["separate"])).get_data(as_text=True)
    assert "not in a mentoring group yet" in html


def test_form_post_stores_and_bad_input_keeps_the_text(world, rooms, login_as):
    chat = rooms["shared"]
    c = login_as(world["mentee_a"])
    resp = c.post(f"/chat/{chat.id}/messages", data={"body": "Hello from the form",
                                                     "client_id": "form-0000001"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"#m{stored()[0].id}")
    empty = c.post(f"/chat/{chat.id}/messages", data={"body": "  ", "client_id": "form-0000002"})
    assert empty.status_code == 400 and "Write a message first." in empty.get_data(as_text=True)
    long = c.post(f"/chat/{chat.id}/messages", data={"body": "é" * 2001,
                                                    "client_id": "form-0000003"})
    text = long.get_data(as_text=True)
    assert long.status_code == 400 and "at most 2000 characters" in text and "é" * 2001 in text
    assert [m.body for m in stored()] == ["Hello from the form"]
    event = db.session.execute(db.select(Event).where(Event.name == "chat_message_sent")).scalar()
    assert event.object_id == stored()[0].id and event.programme_id == world["programme"].id
    assert event.actor_id == world["mentee_a"].id


def test_remove_asks_then_keeps_the_message_as_removed(world, rooms, login_as):
    chat, group = rooms["separate"], world["group_a"]
    m = add(chat, world["mentee_a"], "remove me", group)
    url = f"/chat/{chat.id}/messages/{m.id}/remove?group={group.id}"
    assert login_as(world["mentee_a"]).get(url).status_code == 404
    assert login_as(world["mentor_b"]).get(
        f"/chat/{chat.id}/messages/{m.id}/remove?group={world['group_b'].id}").status_code == 404
    mentor = login_as(world["mentor_a"])
    confirm = mentor.get(url)
    assert confirm.status_code == 200 and "remove me" in confirm.get_data(as_text=True)
    assert stored()[0].removed_at is None  # nothing changes on GET
    assert mentor.post(url).status_code == 302
    row = stored()[0]
    assert row.removed_by_id == world["mentor_a"].id and row.body == "remove me"
    html = login_as(world["mentee_a2"]).get(page(chat, group)).get_data(as_text=True)
    assert "This message was removed." in html and "remove me" not in html


def test_transcripts_by_day_with_text_and_csv(world, rooms, login_as):
    chat, group = rooms["separate"], world["group_a"]
    yesterday = utcnow() - timedelta(days=1)
    add(chat, world["mentor_a"], "Welcome back", group, at=yesterday)
    add(chat, world["mentee_a"], "=HYPERLINK(\"http://evil.example\")", group)
    add(chat, world["mentee_a2"], "private detail", group, removed_at=utcnow(),
        removed_by_id=world["mentor_a"].id)
    add(chat, world["mentee_b"], "group B only", world["group_b"])
    mentor = login_as(world["mentor_a"])
    base = f"/chat/{chat.id}/transcripts"
    days_page = mentor.get(f"{base}?group={group.id}").get_data(as_text=True)
    today = utcnow().date().isoformat()
    assert today in days_page and yesterday.date().isoformat() in days_page
    day = mentor.get(f"{base}/{today}?group={group.id}").get_data(as_text=True)
    assert "private detail" in day and "Removed by Mentor A" in day
    assert "group B only" not in day and "Welcome back" not in day
    txt = mentor.get(f"{base}/{today}/export.txt?group={group.id}")
    assert txt.headers["Content-Disposition"].startswith("attachment")
    body = txt.get_data(as_text=True)
    assert "Mentee A2: [removed by Mentor A" in body and "group B only" not in body
    resp = mentor.get(f"{base}/{today}/export.csv?group={group.id}")
    assert resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Id", "Time (UTC)", "Author", "Message"]
    assert rows[1][3] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows[2][3] == "private detail" and rows[2][5] == "Mentor A"
    assert len(rows) == 3
    assert mentor.get(f"{base}/not-a-day?group={group.id}").status_code == 404
    for who in ("mentee_a", "mentor_b", "outsider"):
        c = login_as(world[who])
        assert c.get(f"{base}/{today}/export.csv?group={group.id}").status_code == 404
    assert login_as(world["manager"]).get(
        f"{base}/{today}/export.txt?group={group.id}").status_code == 200


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("plain", "plain"), (3, 3),
])
def test_csv_cells_cannot_start_a_formula(value, expected):
    assert neutralise(value) == expected


def test_transcript_and_room_queries_do_not_grow_with_messages(world, rooms, login_as, queries):
    chat, group = rooms["separate"], world["group_a"]
    mentor = login_as(world["mentor_a"])
    day = utcnow().date().isoformat()
    counts = []
    for n in (10, 200):
        db.session.execute(db.delete(ChatMessage))
        people = [world["mentor_a"], world["mentee_a"], world["mentee_a2"]]
        for i in range(n):
            add(chat, people[i % 3], f"m{i}", group)
        urls = [page(chat, group), f"/chat/{chat.id}/transcripts/{day}?group={group.id}",
                f"/chat/{chat.id}/transcripts/{day}/export.csv?group={group.id}"]
        row = []
        for url in urls:
            with queries() as q:
                assert mentor.get(url).status_code == 200
            row.append(q.count)
        counts.append(row)
    assert counts[0] == counts[1]


def test_privacy_export_and_erase(app, world, rooms, login_as):
    from core.privacy import erase
    from plugins.chat.privacy import export

    chat = rooms["shared"]
    add(chat, world["mentee_a"], "my own words")
    add(chat, world["mentor_a"], "someone else's")
    data = export(world["mentee_a"])
    assert [r["text"] for r in data.records["messages"]] == ["my own words"]
    assert export(world["outsider"]) is None
    erase(world["mentee_a"])
    html = login_as(world["manager"]).get(
        f"/chat/{chat.id}/transcripts/{utcnow().date().isoformat()}").get_data(as_text=True)
    assert "my own words" in html and "deleted user" in html and "Mentee A" not in html


def test_group_page_links_to_the_group_chat(world, rooms, login_as):
    html = login_as(world["mentee_a"]).get(f"/groups/{world['group_a'].id}").get_data(
        as_text=True)
    assert f"/chat/{rooms['separate'].id}?group={world['group_a'].id}" in html


def test_disabled_plugin_hides_the_chat(world, rooms, login_as):
    from core.plugins import registry

    registry().set_enabled(world["programme"].id, "chat", False)
    c = login_as(world["mentee_a"])
    assert c.get(page(rooms["shared"])).status_code == 404
    assert c.post(f"/chat/{rooms['shared'].id}/messages",
                  data={"body": "x", "client_id": "disabled-0001"}).status_code == 404


def test_demo_adds_a_group_chat_with_conversations(world, make):
    from plugins.chat.demo import build

    prog = world["programme"]
    users = {"manager": world["manager"], "mentor1": world["mentor_a"],
             "mentor2": world["mentor_b"], "mentee1": world["mentee_a"],
             "mentee2": world["mentee_a2"], "mentee3": world["mentee_b"],
             "mentee4": world["mentee_b"], "groups": [world["group_a"], world["group_b"]],
             "sections": {"initial": make.section(prog, "Initial session")}}
    build(prog, users)
    db.session.commit()
    rows = stored()
    assert {m.group_id for m in rows} == {world["group_a"].id, world["group_b"].id}
    assert all(isinstance(m.created_at, datetime) for m in rows) and len(rows) > 8
