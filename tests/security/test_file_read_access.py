"""Read access to stored files is decided by the plugin that stored them
(``can_read_file``), and agrees with the page serving each file: for every file of
two demo programmes (forum attachments, folder documents, templates, lesson images,
private-message attachments, profile photos, pairing files) and every person, the
hook says yes exactly when the download answers 200."""

from __future__ import annotations

from typing import Any

import pytest

from core.extensions import db
from core.files import can_read_file
from core.models import StoredFile
from core.plugins import registry
from plugins.documents.models import DocTemplate, Document, DocumentVersion
from plugins.forum.models import Attachment, Discussion, Post
from plugins.lessons.models import Image
from plugins.matching.models import Pairing, PairingMessage, Profile
from plugins.messages.models import Message, Participant
from tests.factories import login
from tests.security import demo_world


@pytest.fixture
def demo(app, make) -> demo_world.DemoWorld:
    return demo_world.build(app, make)


def _url(sf: StoredFile) -> str:
    """The page that serves a stored file, found through its owner's tables."""
    q = db.session.execute
    if sf.plugin == "forum":
        att, disc = q(db.select(Attachment, Discussion).join(Post, Post.id == Attachment.post_id)
                      .join(Discussion, Discussion.id == Post.discussion_id)
                      .where(Attachment.stored_file_id == sf.id)).one()
        return f"/forum/{disc.activity_id}/files/{att.id}"
    if sf.plugin == "documents":
        row = q(db.select(DocumentVersion, Document).join(Document).where(
            DocumentVersion.stored_file_id == sf.id)).first()
        if row:
            v, d = row
            return f"/documents/folder/{d.activity_id}/groups/{d.group_id}/versions/{v.id}"
        t = q(db.select(DocTemplate).where(DocTemplate.stored_file_id == sf.id)).scalar_one()
        return f"/documents/library/{t.activity_id}/templates/{t.id}/download"
    if sf.plugin == "lessons":
        img = q(db.select(Image).where(Image.file_id == sf.id)).scalar_one()
        return f"/lessons/{img.activity_id}/images/{img.name}"
    if sf.plugin == "messages":
        m = q(db.select(Message).where(Message.attachment_id == sf.id)).scalar_one()
        return f"/messages/p/{m.programme_id}/c/{m.conversation_id}/files/{m.id}"
    if sf.plugin == "matching":
        p = q(db.select(Profile).where(Profile.photo_id == sf.id)).scalar_one_or_none()
        if p is not None:
            return f"/p/{p.programme_id}/matching/people/{p.user_id}/photo"
        m, pairing = q(db.select(PairingMessage, Pairing).join(Pairing).where(
            PairingMessage.file_id == sf.id)).one()
        return f"/p/{pairing.programme_id}/matching/pairings/{pairing.id}/files/{m.id}"
    raise AssertionError(f"no page known for files of {sf.plugin}")


def _answer(app: Any, user: Any, sf: StoredFile) -> bool:
    with app.test_request_context():
        return can_read_file(user, db.session.get(StoredFile, sf.id))


def test_hook_can_read_file(app, demo):
    files = db.session.execute(db.select(StoredFile).order_by(StoredFile.id)).scalars().all()
    owners = {sf.plugin for sf in files}
    assert owners == {"forum", "documents", "lessons", "messages", "matching"}
    people = [*demo.home_users.values(), *demo.victim_users.values(), demo.outsider]
    disagree, yes = [], set()
    for user in people:
        client = app.test_client()
        login(client, user, demo_world.PASSWORD if user is not demo.outsider else
              "correct-horse-battery")
        for sf in files:
            served = client.get(_url(sf)).status_code
            assert served in (200, 403, 404), (user.email, _url(sf), served)
            answer = _answer(app, user, sf)
            if answer != (served == 200):
                disagree.append((user.email, sf.plugin, _url(sf), served, answer))
            if answer:
                yes.add((user.email, sf.id))
    assert disagree == []
    # and the matrix has both answers where it matters
    home, victim = demo.home_users, demo.victim_users
    for sf in files:
        readers = {email for email, fid in yes if fid == sf.id}
        assert demo.outsider.email not in readers
        own = home if sf.programme_id == demo.home.id else victim
        other = victim if own is home else home
        # nobody of the other programme, not even its manager or mentors
        assert not readers & {u.email for k, u in other.items() if k != "admin"}, sf.plugin
        assert own["admin"].email in readers or sf.plugin == "messages"
    # a private message's attachment: its two people only (not the manager, not the
    # other mentees of the group)
    for m in db.session.execute(db.select(Message).where(
            Message.attachment_id.is_not(None))).scalars():
        people_in = set(db.session.execute(db.select(Participant.user_id).where(
            Participant.conversation_id == m.conversation_id)).scalars())
        readers = {email for email, fid in yes if fid == m.attachment_id}
        assert readers == {u.email for u in people if u.id in people_in}


def test_only_the_owning_plugin_answers(app, demo):
    """A plugin cannot open another plugin's files: a throwaway plugin that says yes to
    every file changes nothing, and files of an unknown or disabled owner are closed."""
    from core.hookspecs import hookimpl

    class _Greedy:
        @hookimpl
        def can_read_file(self, user, stored_file):
            return True

    msg = db.session.scalar(db.select(StoredFile).where(StoredFile.plugin == "messages",
                                                        StoredFile.programme_id == demo.home.id))
    manager = demo.home_users["manager"]
    pm = registry().pm
    pm.register(_Greedy(), name="greedy_test")
    try:
        assert not _answer(app, manager, msg)
        msg.plugin = "greedy_test"
        db.session.commit()
        assert _answer(app, manager, msg)  # its own files: it decides
        msg.plugin = "vanished_test"
        db.session.commit()
        assert not _answer(app, manager, msg)
    finally:
        pm.unregister(name="greedy_test")
    lesson_image = db.session.scalar(db.select(StoredFile).where(
        StoredFile.plugin == "lessons", StoredFile.programme_id == demo.home.id))
    mentee = demo.home_users["mentee1"]
    assert _answer(app, mentee, lesson_image)
    with app.test_request_context():
        registry().set_enabled(demo.home.id, "lessons", False)
    assert not _answer(app, mentee, lesson_image)
