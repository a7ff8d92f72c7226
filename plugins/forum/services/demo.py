"""Demo content: programme news and a separate forum for each mentoring group."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from core.extensions import db
from core.models import Activity, utcnow
from core.storage import save_bytes
from core.text import render_markdown
from plugins.forum.models import Attachment, Discussion, Post, Subscription

NEWS = [
    ("manager", "Welcome to Blended mentoring on employment",
     "Welcome, everyone! This forum carries news for the whole programme.\n\n"
     "- The **templates** for the mentoring process are in *Managing and monitoring "
     "tools*: download them there, but never upload filled-in copies to that section.\n"
     "- Signed contracts and participant lists go to the toolbar of the *Initial "
     "mentoring and management session*.\n"
     "- Mentees send filled-in documents to their mentor through the group forum, as "
     "attachments.\n\nMaria", [], 13),
    ("manager", "Initial sessions: dates and rooms",
     "The initial mentoring and management sessions take place next week:\n\n"
     "| Group | Day | Where |\n|---|---|---|\n| Group A | Tuesday 10:00 | Room 2 or "
     "online |\n| Group B | Thursday 14:00 | Room 2 or online |\n\n"
     "Bring an ID card; we sign the mentoring contract and the list of participants "
     "together.",
     [("mentor2", "Thank you! Group B will meet online; I will post the chat link in our "
                  "group forum.")], 9),
]

GROUP_THREADS = {
    0: [  # Group A: Jan with Amir and Sanne
        ("mentor1", "Getting started: your goals for the next three months",
         "Hello Amir and Sanne,\n\nbefore our next meeting, please write two or three "
         "sentences about the work you are looking for and what stands in the way. "
         "Short is fine: we will build the session plan from it.\n\nJan",
         [("mentee1", "Hi Jan, I would like to work in logistics, ideally as a warehouse "
                      "coordinator. My Czech is getting better but I am unsure about "
                      "interviews. I attach my self-assessment form.", True),
          ("mentee2", "I want to get back to work after parental leave, part time at "
                      "first. Office administration or customer service.", False),
          ("mentor1", "> I am unsure about interviews.\n\nThank you both! Amir, we will "
                      "practise interviews in the employability sessions. Sanne, let us "
                      "look at part-time offers together on Tuesday.", False)], 6),
        ("mentee2", "Cover letter: how long should it be?",
         "Is one page enough for a cover letter, or do employers here expect more?",
         [("mentor1", "One page is right. Three short paragraphs: why this job, what you "
                      "bring, and a polite closing. Send me a draft when you have one.",
           False)], 3),
    ],
    1: [  # Group B: Liisa with Georgi and Ola
        ("mentor2", "Online meeting on Thursday",
         "Hi Georgi and Ola, we meet online on Thursday at 14:00; the chat of the initial "
         "session is open from 13:50. Please have the mentoring contract ready to sign.",
         [("mentee3", "Thanks, I will be there.", False),
          ("mentee4", "I may be ten minutes late because of my course, sorry!", False)], 5),
        ("mentee3", "Business idea: bicycle repair workshop",
         "I have been thinking about opening a small **bicycle repair** workshop. Could "
         "we use one of the entrepreneurship sessions for a first budget?",
         [("mentor2", "Great idea, Georgi. Start with the business model canvas; we will "
                      "do the budget in the session after that.", False)], 2),
    ],
}


def _docx(title: str, lines: list[str]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=1)
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _thread(activity: Activity, group_id: int | None, users: dict[str, Any], author: str,
            title: str, body: str, replies: list, days_ago: int) -> None:
    start = utcnow() - timedelta(days=days_ago)
    discussion = Discussion(activity_id=activity.id, programme_id=activity.programme_id,
                            group_id=group_id, title=title, author_id=users[author].id,
                            created_at=start, last_post_at=start,
                            last_author_id=users[author].id, reply_count=0)
    first = Post(discussion=discussion, author_id=users[author].id, body_source=body,
                 body_html=render_markdown(body), created_at=start)
    db.session.add_all([discussion, first])
    db.session.add(Subscription(user_id=users[author].id, activity_id=activity.id,
                                discussion=discussion))
    last = first
    for i, reply in enumerate(replies):
        key, text = reply[0], reply[1]
        at = start + timedelta(hours=5 * (i + 1))
        post = Post(discussion=discussion, parent=first, author_id=users[key].id,
                    body_source=text, body_html=render_markdown(text), created_at=at)
        if len(reply) > 2 and reply[2]:
            data = _docx("Mentee self-assessment", [
                f"Name: {users[key].display_name}",
                "Work I am looking for: warehouse coordinator, logistics",
                "Strengths: reliable, organised, forklift licence",
                "What I want to improve: job interviews in Czech"])
            sf = save_bytes(data, "Self-assessment (filled in).docx", plugin="forum",
                            programme=activity.programme_id, user=users[key],
                            rate=False, quota=False)
            post.attachments.append(Attachment(file=sf))
        db.session.add(post)
        last = post
        discussion.reply_count += 1
        discussion.last_post_at = at
        discussion.last_author_id = users[key].id
    db.session.flush()
    discussion.last_post_id = last.id


def build(programme: Any, users: dict[str, Any]) -> None:
    """Add the two demo forums with their discussions; the caller commits."""
    sections = users["sections"]
    db.session.flush()
    tools_at, initial_at = len(sections["tools"].activities), len(sections["initial"].activities)
    news = Activity(section_id=sections["tools"].id, programme_id=programme.id,
                    type="forum.announcements", plugin="forum",
                    title="News and announcements",
                    description_source="News from the programme team for everyone.",
                    description_html=render_markdown("News from the programme team for "
                                                     "everyone."),
                    group_mode="shared", position=tools_at)
    talk = Activity(section_id=sections["initial"].id, programme_id=programme.id, type="forum",
                    plugin="forum", title="Mentoring group forum",
                    description_source="Talk with your mentor and your group between "
                                       "meetings, and send filled-in documents as "
                                       "attachments.",
                    description_html=render_markdown(
                        "Talk with your mentor and your group between meetings, and send "
                        "filled-in documents as attachments."),
                    group_mode="separate", position=initial_at)
    db.session.add_all([news, talk])
    db.session.flush()
    for author, title, body, replies, days in NEWS:
        _thread(news, None, users, author, title, body, [(k, t) for k, t in replies], days)
    for index, threads in GROUP_THREADS.items():
        group = users["groups"][index]
        for author, title, body, replies, days in threads:
            _thread(talk, group.id, users, author, title, body, replies, days)
