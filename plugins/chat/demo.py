"""Demo content: a chat per group for the initial session, with its first messages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.extensions import db
from core.models import Activity, utcnow
from plugins.chat.forms import new_client_id
from plugins.chat.models import ChatMessage
from plugins.chat.rooms import ACTIVITY_TYPE, room_key

GROUP_A = [
    ("manager", "Welcome, everyone! This chat is for our group during the sessions and "
                "between them. I will join the first session and then leave you to it."),
    ("mentor1", "Hello! I am glad we can start. Did you both receive the mentoring contract "
                "and the list of participants?"),
    ("mentee1", "Yes, I printed the contract. I will bring it signed on Thursday."),
    ("mentee2", "I got it too. Can I sign it on paper and send a scan?"),
    ("mentor1", "Of course. Upload the scan in the forum to me, and I will put it in the "
                "group's documents."),
    ("mentee2", "Thank you. Should I bring my CV to the next session as well?"),
    ("mentor1", "Yes please, even an old one. We will start the session plan from it."),
]
GROUP_B = [
    ("mentor2", "Good morning! Shall we meet online on Tuesday at 16:00 instead of the office?"),
    ("mentee3", "Tuesday works for me."),
    ("mentee4", "I have a course until 16:30. Could we start at 17:00?"),
    ("mentor2", "17:00 it is. I will open this chat ten minutes before."),
]


def build(programme: Any, users: dict[str, Any]) -> None:
    """Add the group chat to the initial section and a few days-old conversation."""
    section = users["sections"]["initial"]
    chat = Activity(
        section_id=section.id, programme_id=programme.id, type=ACTIVITY_TYPE, plugin="chat",
        title="Group chat", group_mode="separate", position=len(section.activities) + 5,
        description_source="Use the chat during remote sessions and to agree on the next "
                           "meeting. Your mentor and the manager can read the transcripts.",
        description_html="<p>Use the chat during remote sessions and to agree on the next "
                         "meeting. Your mentor and the manager can read the transcripts.</p>",
    )
    db.session.add(chat)
    db.session.flush()
    start = utcnow() - timedelta(days=3)
    for group, lines in zip(users["groups"], (GROUP_A, GROUP_B), strict=False):
        for i, (who, text) in enumerate(lines):
            db.session.add(ChatMessage(
                room=room_key(chat.id, group.id), activity_id=chat.id, group_id=group.id,
                author_id=users[who].id, client_id=new_client_id(), body=text,
                created_at=start + timedelta(minutes=2 * i)))
