"""Two full demo programmes side by side, for tests that try one programme's or one
group's objects as the people of another.

``victim`` is the first demo (its accounts renamed to ``@victim.``); ``home`` the
second, whose Group A people attack Group B and the victim programme. Each
programme also gets private messages with attachments in both groups, a profile
photo and a file shared in a pairing, made through the real pages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from core.demo import PROGRAMME_TITLE
from core.extensions import db
from core.models import Activity, MentoringGroup, Programme, User
from core.storage import save_bytes
from plugins.entrepreneurship.models import EntrepreneurshipWorksheet
from plugins.forum.models import Attachment, Discussion, Post
from plugins.lessons.models import Chapter, JournalEntry, Page
from plugins.lessons.services import revisions
from plugins.matching.models import Conversation, Pairing, Request, Round
from tests.factories import login

PASSWORD = "demo security passphrase 1"
DOCX = b"PK\x03\x04" + b"\x00" * 200
KEYS = ("admin", "manager", "mentor1", "mentor2", "mentee1", "mentee2", "mentee3", "mentee4")


@dataclass
class Side:
    """One programme and one of its groups, with the people in it."""

    programme: Programme
    group: MentoringGroup
    users: dict[str, User]
    mentor: User
    mentee: User
    ids: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoWorld:
    """The two programmes, their accounts and the sides tests take objects from."""

    home: Programme
    victim: Programme
    home_users: dict[str, User]
    victim_users: dict[str, User]
    outsider: User

    def side(self, programme: str, group: str) -> Side:
        """``programme`` is ``home`` or ``victim``; ``group`` is ``A`` or ``B``."""
        prog = self.home if programme == "home" else self.victim
        users = self.home_users if programme == "home" else self.victim_users
        grp = db.session.scalar(db.select(MentoringGroup).where(
            MentoringGroup.programme_id == prog.id, MentoringGroup.name == f"Group {group}"))
        mentor, mentee = ("mentor1", "mentee1") if group == "A" else ("mentor2", "mentee3")
        return Side(prog, grp, users, users[mentor], users[mentee])


def _users(domain: str) -> dict[str, User]:
    return {k: db.session.scalar(db.select(User).where(User.email == f"{k}@{domain}"))
            for k in KEYS}


def jpeg() -> bytes:
    """A small real JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _files(app: Any, prog: Programme, users: dict[str, User]) -> None:
    """Private messages with attachments in both groups, a photo, a pairing file."""
    for sender, recipient in (("mentee1", "mentor1"), ("mentee3", "mentor2")):
        client = app.test_client()
        login(client, users[sender], PASSWORD)
        resp = client.post(f"/messages/p/{prog.id}/new", content_type="multipart/form-data",
                           data={"recipient": users[recipient].id, "body": "Signed copy",
                                 "attachment": (io.BytesIO(DOCX), "contract.docx")})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        resp = client.post(f"/p/{prog.id}/matching/profile/photo",
                           content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(jpeg()), "me.jpg")})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    for pairing in db.session.scalars(db.select(Pairing).where(Pairing.programme_id == prog.id)):
        client = app.test_client()
        login(client, db.session.get(User, pairing.mentor_id), PASSWORD)
        resp = client.post(f"/p/{prog.id}/matching/pairings/{pairing.id}/messages",
                           content_type="multipart/form-data",
                           data={"body": "My CV", "attachment": (io.BytesIO(DOCX), "cv.docx")})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]


def _rows(prog: Programme, users: dict[str, User]) -> None:
    """Objects of each group's people the demo does not make for both groups: a
    worksheet, a forum attachment, a journal entry, a mentoring request and a
    conversation in the speed-mentoring round; and a kept version of each lesson page."""
    schema = db.session.scalar(db.select(EntrepreneurshipWorksheet.schema).limit(1))
    lesson = db.session.scalar(db.select(Chapter.activity_id).join(Activity).where(
        Activity.programme_id == prog.id).limit(1))
    round_id = db.session.scalar(db.select(Round.id).where(Round.programme_id == prog.id))
    for page in db.session.scalars(db.select(Page).join(Chapter).join(Activity).where(
            Activity.programme_id == prog.id)):
        revisions.record(page)  # a kept version of every lesson page
    for name, mentor, mentee in (("Group A", "mentor1", "mentee1"),
                                 ("Group B", "mentor2", "mentee3")):
        group = db.session.scalar(db.select(MentoringGroup).where(
            MentoringGroup.programme_id == prog.id, MentoringGroup.name == name))
        mentee, mentor = users[mentee], users[mentor]
        db.session.add(EntrepreneurshipWorksheet(programme_id=prog.id, group_id=group.id,
                                                 mentee_id=mentee.id, schema=schema, data={}))
        post = db.session.scalar(db.select(Post).join(Discussion).where(
            Discussion.group_id == group.id).order_by(Post.id).limit(1))
        sf = save_bytes(DOCX, "notes.docx", plugin="forum", programme=prog, user=mentee)
        db.session.flush()
        db.session.add(Attachment(post_id=post.id, stored_file_id=sf.id))
        db.session.add(JournalEntry(user_id=mentee.id, activity_id=lesson, question_text="Why?",
                                    answer_source="Because.", answer_html="<p>Because.</p>"))
        db.session.add(Request(programme_id=prog.id, mentee_id=mentee.id, mentor_id=mentor.id,
                               motivation="Please."))
        db.session.add(Conversation(round_id=round_id, mentor_id=mentor.id,
                                    starter_id=mentee.id))
    db.session.commit()


def build(app: Any, make: Any) -> DemoWorld:
    """Build both demo programmes and their extra files."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    victim = db.session.scalar(db.select(Programme).where(Programme.title == PROGRAMME_TITLE))
    victim.title = "Victim programme"
    victim.organisation.name = "Victim organisation"
    for user in _users("demo.ementoring.test").values():
        user.email = user.email.replace("@demo.", "@victim.")
    db.session.commit()
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, (result.output, result.exception)
    home = db.session.scalar(db.select(Programme).where(Programme.title == PROGRAMME_TITLE))
    world = DemoWorld(home=home, victim=victim, home_users=_users("demo.ementoring.test"),
                      victim_users=_users("victim.ementoring.test"),
                      outsider=make.user(name="Outsider"))
    for prog, users in ((victim, world.victim_users), (home, world.home_users)):
        _files(app, prog, users)
        _rows(prog, users)
    return world
