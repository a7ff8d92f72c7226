"""Private messages: programme boundaries, blocks, attachments, unread counts, reports
and the inbox's constant number of queries."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Event, Membership, Programme
from plugins.messages.models import Block, Conversation, Message, Participant, Report
from plugins.messages.services.conversations import unread_total
from tests.plugins.messages.helpers import count, reply, write


def _conv_id() -> int:
    return db.session.scalar(db.select(Conversation.id).order_by(Conversation.id.desc()))


def test_member_writes_and_the_other_answers_in_one_conversation(app, world, login_as):
    prog = world["programme"]
    mentor, mentee = login_as(world["mentor_a"]), login_as(world["mentee_a"])
    resp = write(mentor, prog, world["mentee_a"], "Could you send me your **CV**?")
    assert resp.status_code == 302
    conv_id = _conv_id()
    assert resp.headers["Location"].endswith(f"/messages/p/{prog.id}/c/{conv_id}#reply")
    page = mentee.get(f"/messages/p/{prog.id}/c/{conv_id}").get_data(as_text=True)
    assert "<strong>CV</strong>" in page and "Mentor A" in page
    assert reply(mentee, prog.id, conv_id, "Here it is.").status_code == 302
    # writing again from the "new message" page continues the same conversation
    assert write(mentor, prog, world["mentee_a"], "Thanks!").status_code == 302
    assert count(Conversation) == 1 and count(Message) == 3
    msg = db.session.scalar(db.select(Message).order_by(Message.id))
    assert msg.body_html == "<p>Could you send me your <strong>CV</strong>?</p>"
    events = db.session.scalars(db.select(Event).where(Event.name == "message_sent")).all()
    assert len(events) == 3 and {e.programme_id for e in events} == {prog.id}


def test_messages_never_cross_programmes(app, world, make, login_as):
    prog = world["programme"]
    other = make.programme()
    stranger = make.member(other, "mentee", name="Stranger")
    both = make.member(other, "mentor", user=world["mentor_a"])
    mentor = login_as(both)

    # a member of another programme cannot be addressed from this one
    resp = write(mentor, prog, stranger, "Hi from the wrong programme")
    assert resp.status_code == 400
    assert "You can only write to members of this programme." in resp.get_data(as_text=True)
    assert count(Message) == 0
    # nor can an outsider with no membership anywhere
    assert write(mentor, prog, world["outsider"]).status_code == 400
    assert count(Message) == 0

    # the same two people have separate conversations in each programme
    make.member(other, "mentee", user=world["mentee_a"])
    assert write(mentor, prog, world["mentee_a"], "In programme one").status_code == 302
    first = _conv_id()
    assert write(mentor, other, world["mentee_a"], "In programme two").status_code == 302
    second = _conv_id()
    assert first != second
    rows = dict(db.session.execute(db.select(Conversation.id, Conversation.programme_id)).all())
    assert rows == {first: prog.id, second: other.id}
    assert {m.programme_id for m in db.session.scalars(db.select(Message))} == {prog.id,
                                                                                  other.id}

    # a conversation is only reachable through its own programme's URL
    mentee = login_as(world["mentee_a"])
    assert mentee.get(f"/messages/p/{other.id}/c/{first}").status_code == 404
    assert mentee.get(f"/messages/p/{prog.id}/c/{second}").status_code == 404
    assert reply(mentee, other.id, first, "sneaky").status_code == 404
    assert count(Message) == 2
    inbox_one = mentee.get(f"/messages/p/{prog.id}").get_data(as_text=True)
    assert f"/c/{first}" in inbox_one and f"/c/{second}" not in inbox_one
    # unread counts are per programme
    assert unread_total(world["mentee_a"].id, prog.id) == 1
    assert unread_total(world["mentee_a"].id, other.id) == 1
    # and someone outside the other programme cannot open its message pages at all
    assert login_as(world["mentee_b"]).get(f"/messages/p/{other.id}").status_code == 404


def test_blocked_user_cannot_send_to_the_blocker(app, world, login_as):
    prog = world["programme"]
    mentor, mentee = login_as(world["mentor_a"]), login_as(world["mentee_a"])
    write(mentor, prog, world["mentee_a"], "First message")
    conv_id = _conv_id()
    assert mentee.get(f"/messages/p/{prog.id}/block/{world['mentor_a'].id}").status_code == 200
    assert count(Block) == 0  # GET only asks for confirmation
    assert mentee.post(f"/messages/p/{prog.id}/block/{world['mentor_a'].id}").status_code == 302
    assert count(Block) == 1

    resp = reply(mentor, prog.id, conv_id, "Are you there?")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert "Mentee A does not accept messages from you. Your message was not sent." in page
    assert "Are you there?" in page  # the text is kept in the form
    resp = write(mentor, prog, world["mentee_a"], "A new conversation then")
    assert resp.status_code == 403 and "does not accept messages from you" in resp.get_data(
        as_text=True)
    assert count(Message) == 1

    # the blocker cannot write either while the block stands, and is told why
    resp = reply(mentee, prog.id, conv_id, "One last word")
    assert resp.status_code == 403
    assert "You have blocked Mentor A." in resp.get_data(as_text=True)
    assert count(Message) == 1
    # other people are not affected
    assert write(login_as(world["mentor_b"]), prog, world["mentee_a"]).status_code == 302

    assert mentee.post(f"/messages/p/{prog.id}/unblock/{world['mentor_a'].id}").status_code == 302
    assert count(Block) == 0
    assert reply(mentor, prog.id, conv_id, "Welcome back").status_code == 302


def test_blocking_needs_a_member_of_the_programme(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    assert c.post(f"/messages/p/{prog.id}/block/{world['outsider'].id}").status_code == 404
    assert c.post(f"/messages/p/{prog.id}/block/{world['mentee_a'].id}").status_code == 404
    assert count(Block) == 0


@pytest.mark.parametrize("who,status", [
    ("mentor_a", 200), ("mentee_a", 200),
    ("mentee_a2", 404), ("mentor_b", 404), ("manager", 404), ("admin", 404),
    ("outsider", 404),
])
def test_only_participants_read_a_conversation_and_its_files(app, world, login_as, who,
                                                              status):
    prog = world["programme"]
    resp = write(login_as(world["mentor_a"]), prog, world["mentee_a"], "My notes",
                 file=(b"interview tips\n", "tips.txt"))
    assert resp.status_code == 302
    msg = db.session.scalar(db.select(Message))
    assert msg.attachment.plugin == "messages" and msg.attachment.programme_id == prog.id
    c = login_as(world[who])
    assert c.get(f"/messages/p/{prog.id}/c/{msg.conversation_id}").status_code == status
    got = c.get(f"/messages/p/{prog.id}/c/{msg.conversation_id}/files/{msg.id}")
    assert got.status_code == status
    if status == 200:
        assert got.data == b"interview tips\n"
        assert got.headers["Content-Disposition"].startswith("attachment")
        assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_attachment_must_belong_to_the_conversation(app, world, login_as):
    prog = world["programme"]
    mentor = login_as(world["mentor_a"])
    write(mentor, prog, world["mentee_a"], "with file", file=(b"a\n", "a.txt"))
    first = db.session.scalar(db.select(Message))
    write(mentor, prog, world["mentee_a2"], "other conversation")
    second = _conv_id()
    # mentee_a2 takes part in `second` but asks for a file of the first conversation
    c = login_as(world["mentee_a2"])
    assert c.get(f"/messages/p/{prog.id}/c/{second}/files/{first.id}").status_code == 404


def test_refused_attachment_keeps_the_text(app, world, login_as):
    prog = world["programme"]
    resp = write(login_as(world["mentor_a"]), prog, world["mentee_a"], "Please read this",
                 file=(b"MZ\x90\x00", "virus.exe"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Files of this type are not accepted" in page and "Please read this" in page
    assert count(Message) == 0 and count(Conversation) == 0


def test_empty_message_is_refused(app, world, login_as):
    prog = world["programme"]
    resp = write(login_as(world["mentor_a"]), prog, world["mentee_a"], "")
    assert resp.status_code == 400 and count(Message) == 0


def test_unread_counts_in_navigation_and_inbox(app, world, login_as, queries):
    prog = world["programme"]
    mentor = login_as(world["mentor_a"])
    write(mentor, prog, world["mentee_a"], "one")
    conv_id = _conv_id()
    reply(mentor, prog.id, conv_id, "two")
    reply(mentor, prog.id, conv_id, "three")
    write(login_as(world["mentor_b"]), prog, world["mentee_a"], "from B")
    mentee = login_as(world["mentee_a"])
    course = mentee.get(f"/p/{prog.id}").get_data(as_text=True)
    assert "Messages (4 unread)" in course
    inbox = mentee.get(f"/messages/p/{prog.id}").get_data(as_text=True)
    assert "3 unread" in inbox and "1 unread" in inbox
    # the author's own messages are never unread for them
    assert unread_total(world["mentor_a"].id, prog.id) == 0
    with queries() as q:
        assert unread_total(world["mentee_a"].id, prog.id) == 4
    assert q.count == 1

    mentee.get(f"/messages/p/{prog.id}/c/{conv_id}")
    assert unread_total(world["mentee_a"].id, prog.id) == 1
    part = db.session.get(Participant, (conv_id, world["mentee_a"].id))
    assert part.last_read_id == db.session.scalar(db.select(db.func.max(Message.id)).where(
        Message.conversation_id == conv_id))
    # a broadcast counts too
    login_as(world["manager"]).post(f"/messages/p/{prog.id}/announcements/new", data={
        "audience": "programme", "subject": "Hello", "body": "Welcome"})
    assert unread_total(world["mentee_a"].id, prog.id) == 2
    assert "Messages (2 unread)" in mentee.get(f"/p/{prog.id}").get_data(as_text=True)
    dash = mentee.get("/dashboard").get_data(as_text=True)
    assert "You have 2 unread messages." in dash


def _conversations(prog, me, others, n: int) -> None:
    for i in range(n):
        conv = Conversation(programme_id=prog.id, created_by_id=me.id)
        conv.participants = [Participant(user_id=me.id),
                             Participant(user_id=others[i % 3].id)]
        db.session.add(conv)
        db.session.add(Message(conversation=conv, programme_id=prog.id,
                               author_id=others[i % 3].id, body_source="hi",
                               body_html="<p>hi</p>"))
    db.session.commit()


def test_unread_total_starts_from_the_users_conversations(app, world):
    """The count on every page must not read all of a programme's messages."""
    from plugins.messages.services.conversations import _unread_totals_statement

    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    compiled = _unread_totals_statement().compile(db.engine)
    state = compiled.construct_expanded_state({"uid": world["mentee_a"].id,
                                               "pids": [world["programme"].id]})
    plan = " | ".join(row[3] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + state.statement,
        tuple(state.parameters[k] for k in state.positiontup)))
    assert "ix_messages_message_programme_id" not in plan
    assert "ix_messages_participant_user_id" in plan
    assert "ix_messages_message_conversation_id" in plan


def test_inbox_costs_the_same_queries_for_10_and_200_conversations(app, make, login_as,
                                                                    queries):
    prog = make.programme()
    me = make.member(prog, "mentor", name="Busy Mentor")
    others = [make.member(prog, "mentee") for _ in range(3)]
    c = login_as(me)
    counts = []
    for n in (10, 190):
        _conversations(prog, me, others, n)
        c.get(f"/messages/p/{prog.id}")  # warm caches (themes, translations)
        with queries() as q:
            resp = c.get(f"/messages/p/{prog.id}")
        assert resp.status_code == 200
        counts.append(q.count)
        shown = resp.get_data(as_text=True).count("1 unread")
        assert shown == min(10 + (n if n > 10 else 0), 25)
    assert counts[0] == counts[1], counts


def test_report_reaches_the_managers_only(app, world, login_as, make, smtp):
    prog = world["programme"]
    second_manager = make.member(prog, "manager", name="Second Manager")
    c = login_as(world["mentee_a"])
    form = c.get(f"/messages/p/{prog.id}/report/{world['mentor_a'].id}")
    assert form.status_code == 200
    short = c.post(f"/messages/p/{prog.id}/report/{world['mentor_a'].id}",
                   data={"details": "rude"})
    assert short.status_code == 400 and count(Report) == 0
    resp = c.post(f"/messages/p/{prog.id}/report/{world['mentor_a'].id}",
                  data={"details": "He keeps writing to me late at night."})
    assert resp.status_code == 302
    report = db.session.scalar(db.select(Report))
    assert (report.programme_id, report.reporter_id, report.reported_id) == (
        prog.id, world["mentee_a"].id, world["mentor_a"].id)
    smtp.wait(2)
    assert sorted(r for m in smtp.messages for r in m.envelope_rcpt) == sorted(
        [world["manager"].email, second_manager.email])
    body = smtp.body(smtp.messages[0])
    assert "Mentee A reported Mentor A" in body and "late at night" in body
    # managers read reports; nobody else does, and reports stay out of "what is new"
    assert "late at night" in login_as(world["manager"]).get(
        f"/messages/p/{prog.id}/reports").get_data(as_text=True)
    for who in ("mentor_a", "mentee_a", "mentee_b"):
        assert login_as(world[who]).get(f"/messages/p/{prog.id}/reports").status_code == 404
    dash = login_as(world["mentee_b"]).get("/dashboard").get_data(as_text=True)
    assert "reported" not in dash
    # reporting someone outside the programme is not possible
    assert c.post(f"/messages/p/{prog.id}/report/{world['outsider'].id}",
                  data={"details": "Someone I do not know."}).status_code == 404


def test_private_message_mail_once_per_unread_stretch(app, world, login_as, smtp):
    prog = world["programme"]
    mentor = login_as(world["mentor_a"])
    write(mentor, prog, world["mentee_a"], "first")
    conv_id = _conv_id()
    smtp.wait(1)
    assert [m.envelope_rcpt for m in smtp.messages] == [[world["mentee_a"].email]]
    assert "Mentor A sent you a private message" in smtp.body(smtp.messages[0])
    assert "first" not in smtp.body(smtp.messages[0])  # the text stays on the site
    reply(mentor, prog.id, conv_id, "second, still unread")
    assert len(smtp.messages) == 1
    login_as(world["mentee_a"]).get(f"/messages/p/{prog.id}/c/{conv_id}")
    reply(mentor, prog.id, conv_id, "third, after reading")
    smtp.wait(2)
    assert len(smtp.messages) == 2
    # someone who turned mail off gets none
    mentee = login_as(world["mentee_a"])
    assert mentee.post(f"/messages/p/{prog.id}/settings",
                       data={"email": "off"}).status_code == 302
    mentee.get(f"/messages/p/{prog.id}/c/{conv_id}")
    reply(mentor, prog.id, conv_id, "fourth")
    assert len(smtp.messages) == 2


def test_message_pages_answer_404_when_the_plugin_is_disabled(app, world, login_as):
    from core.plugins import registry

    prog = world["programme"]
    registry().set_enabled(prog.id, "messages", False)
    c = login_as(world["mentee_a"])
    assert c.get(f"/messages/p/{prog.id}").status_code == 404
    assert "Messages" not in c.get(f"/p/{prog.id}").get_data(as_text=True)
    assert db.session.get(Programme, prog.id) is not None
    assert db.session.scalar(db.select(db.func.count(Membership.id))) > 0


def test_no_messages_to_or_from_people_outside_the_programme(app, world, login_as):
    prog = world["programme"]
    write(login_as(world["mentor_a"]), prog, world["mentee_a"], "Hello")
    conv_id = _conv_id()
    # the mentee leaves the programme: the conversation cannot carry on
    db.session.execute(db.delete(Membership).where(Membership.user_id == world["mentee_a"].id))
    db.session.commit()
    resp = reply(login_as(world["mentor_a"]), prog.id, conv_id, "Still there?")
    assert resp.status_code == 403
    assert "Mentee A is no longer a member of this programme." in resp.get_data(as_text=True)
    # a site admin holds every capability but is no member: no private messages
    resp = write(login_as(world["admin"]), prog, world["mentor_a"], "From the admin")
    assert resp.status_code == 403
    assert "Only members of this programme can send private messages here." in resp.get_data(
        as_text=True)
    assert count(Message) == 1
