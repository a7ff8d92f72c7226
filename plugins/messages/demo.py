"""Demo content of the messages plugin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.extensions import db
from core.models import Membership, utcnow
from core.text import render_markdown
from plugins.messages.models import Broadcast, Conversation, Delivery, Message, Participant

CONVERSATIONS = {
    "mentee1": [
        (6, "mentor1", "Hi Amir, thanks for the first meeting. Could you send me your current "
                       "CV before Thursday? Then we can go through it together."),
        (5, "mentee1", "Hello Jan, here it is. The Czech version is older, I have not updated "
                       "it since my last job in the warehouse."),
        (5, "mentor1", "Thanks! The experience section is good. Let us add the forklift licence "
                       "and the language courses. We will do the English version next week."),
        (1, "mentee1", "I saw a job advert for a logistics assistant. Should I apply already, "
                       "or wait until the CV is finished?"),
    ],
    "mentee2": [
        (4, "mentee2", "Hi Jan, I cannot come on Thursday, I have an appointment at the "
                       "employment office. Could we meet online instead?"),
        (4, "mentor1", "No problem, Sanne. Let us meet in the group chat at 17:00. Please "
                       "bring the list of courses you found."),
    ],
}

BROADCAST = (
    "Welcome to the programme",
    "Dear mentors and mentees,\n\nwelcome to **Blended mentoring on employment**. Please "
    "complete your profile this week, read the mentoring contract in the section "
    "*Initial mentoring and management session* and agree on a date for your first "
    "session with your group.\n\nIf anything is unclear, write to me here.\n\nMaria",
)


def build(programme: Any, users: dict[str, Any]) -> None:
    """Add the conversations of mentor1 with mentee1 and mentee2 (the newest message
    left unread by the mentor) and a welcome broadcast from the manager."""
    now = utcnow()
    mentor = users["mentor1"]
    for mentee_key, lines in CONVERSATIONS.items():
        mentee = users[mentee_key]
        first = now - timedelta(days=lines[0][0])
        conv = Conversation(programme_id=programme.id, created_by_id=users[lines[0][1]].id,
                            created_at=first, last_message_at=now - timedelta(days=lines[-1][0]))
        db.session.add(conv)
        messages = []
        for days_ago, author_key, text in lines:
            messages.append(Message(conversation=conv, programme_id=programme.id,
                                    author_id=users[author_key].id, body_source=text,
                                    body_html=render_markdown(text),
                                    created_at=now - timedelta(days=days_ago)))
        db.session.add_all(messages)
        db.session.flush()
        ids = [m.id for m in messages]
        mentor_read = ids[-2] if lines[-1][1] != "mentor1" else ids[-1]
        conv.participants = [Participant(user_id=mentor.id, last_read_id=mentor_read),
                             Participant(user_id=mentee.id, last_read_id=ids[-1])]
    subject, body = BROADCAST
    member_ids = db.session.scalars(db.select(Membership.user_id).where(
        Membership.programme_id == programme.id,
        Membership.user_id != users["manager"].id)).all()
    broadcast = Broadcast(programme_id=programme.id, sender_id=users["manager"].id,
                          audience="programme", subject=subject, body_source=body,
                          body_html=render_markdown(body), recipient_count=len(member_ids),
                          created_at=now - timedelta(days=13))
    db.session.add(broadcast)
    db.session.flush()
    read = {users["mentor1"].id, users["mentor2"].id, users["mentee1"].id}
    for uid in member_ids:
        db.session.add(Delivery(broadcast_id=broadcast.id, user_id=uid,
                                programme_id=programme.id, mail_state="none",
                                read_at=now - timedelta(days=12) if uid in read else None))
