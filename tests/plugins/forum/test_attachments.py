"""Attachments: several per post, saved with the post or not at all, downloadable only
by those who see the post, shown with the actions other plugins offer."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.declarations import FileAction
from core.extensions import db
from core.hookspecs import hookimpl
from core.models import StoredFile
from core.plugins import registry
from plugins.forum.models import Attachment, Discussion, Post
from tests.plugins.forum.conftest import PDF, PNG, posts_of, reply, start, upload


def _stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(m))
                 for m in (Discussion, Post, Attachment, StoredFile))


def test_several_files_are_saved_with_the_post(app, world, separate, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, separate, group=world["group_a"], body="My filled-in forms",
              files=[upload("contract.pdf", PDF), upload("scan.png", PNG)])
    post = posts_of(d)[0]
    names = [a.file.original_name for a in post.attachments]
    assert names == ["contract.pdf", "scan.png"]
    assert {a.file.plugin for a in post.attachments} == {"forum"}
    assert all(a.file.programme_id == world["programme"].id for a in post.attachments)
    page = login_as(world["mentor_a"]).get(f"/forum/{separate.id}/d/{d.id}")
    html = page.get_data(as_text=True)
    assert "contract.pdf" in html and "scan.png" in html
    first = post.attachments[0]
    assert f"/forum/{separate.id}/files/{first.id}" in html
    resp = login_as(world["mentor_a"]).get(f"/forum/{separate.id}/files/{first.id}")
    assert resp.status_code == 200 and resp.data == PDF
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who, expected", [
    ("mentee_a", 200), ("mentee_a2", 200), ("mentor_a", 200), ("manager", 200),
    ("mentor_b", 404), ("mentee_b", 404), ("outsider", 404),
])
def test_downloads_only_for_those_who_see_the_post(app, world, separate, login_as, who,
                                                   expected):
    d = start(login_as(world["mentee_a"]), separate, group=world["group_a"],
              files=[upload("cv.pdf", PDF)])
    attachment = posts_of(d)[0].attachments[0]
    resp = login_as(world[who]).get(f"/forum/{separate.id}/files/{attachment.id}")
    assert resp.status_code == expected
    if expected == 200:
        assert resp.data == PDF


def test_attachment_of_a_deleted_post_is_for_moderators_only(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared)
    reply(c, shared, d, body="with file", files=[upload("cv.pdf", PDF)])
    post = posts_of(d)[1]
    attachment_id = post.attachments[0].id
    c.post(f"/forum/{shared.id}/posts/{post.id}/delete")
    assert login_as(world["mentee_a2"]).get(
        f"/forum/{shared.id}/files/{attachment_id}").status_code == 404
    assert login_as(world["mentor_a"]).get(
        f"/forum/{shared.id}/files/{attachment_id}").status_code == 200


def test_attachment_id_through_another_forum_is_404(app, world, shared, separate, login_as):
    d = start(login_as(world["mentee_a"]), separate, group=world["group_a"],
              files=[upload("cv.pdf", PDF)])
    attachment = posts_of(d)[0].attachments[0]
    assert login_as(world["mentee_b"]).get(
        f"/forum/{shared.id}/files/{attachment.id}").status_code == 404


def test_one_refused_file_keeps_nothing(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    before_files = set(_stored_files(app))
    resp = c.post(f"/forum/{shared.id}/new", content_type="multipart/form-data", data={
        "title": "Two files", "body": "My text stays", "action": "post",
        "attachments": [upload("good.pdf", PDF), upload("fake.pdf", b"MZ not a pdf")],
    })
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400  # the form again, with what is wrong
    assert "fake.pdf" in html and "does not match its type" in html
    assert "My text stays" in html and 'value="Two files"' in html
    assert _counts() == (0, 0, 0, 0)
    assert set(_stored_files(app)) == before_files


def test_refused_type_on_a_reply_keeps_nothing(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared)
    before, before_files = _counts(), set(_stored_files(app))
    resp = reply(c, shared, d, body="Reply text", status=400,
                 files=[upload("ok.png", PNG), upload("virus.exe", b"MZ....")])
    assert "not accepted" in resp.get_data(as_text=True)
    assert _counts() == before
    assert set(_stored_files(app)) == before_files


def test_failed_commit_keeps_no_post_and_no_file(app, world, shared, login_as, monkeypatch):
    c = login_as(world["mentee_a"])
    d = start(c, shared)
    before, before_files = _counts(), set(_stored_files(app))
    session_cls = type(db.session())
    original = session_cls.commit
    calls = []

    def failing_commit(self):  # noqa: ANN001, ANN202
        from sqlalchemy.exc import OperationalError

        calls.append(1)
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(session_cls, "commit", failing_commit)
    resp = reply(c, shared, d, body="Will fail", status=200,
                 files=[upload("a.pdf", PDF), upload("b.png", PNG)])
    monkeypatch.setattr(session_cls, "commit", original)
    assert calls
    html = resp.get_data(as_text=True)
    assert "could not be saved" in html and "Will fail" in html
    db.session.rollback()
    assert _counts() == before
    assert set(_stored_files(app)) == before_files


def test_too_many_files_are_refused(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    files = [upload(f"f{i}.pdf", PDF) for i in range(6)]
    resp = c.post(f"/forum/{shared.id}/new", content_type="multipart/form-data",
                  data={"title": "Many", "body": "x", "action": "post", "attachments": files})
    assert "at most 5 files" in resp.get_data(as_text=True)
    assert _counts() == (0, 0, 0, 0)


class _PinBoard:
    """A throwaway plugin offering an action on every stored file."""

    name = "pinboard_test"

    @hookimpl
    def file_actions(self, stored_file, user):
        return [FileAction("Pin to the board", f"/pin/{stored_file.id}", "GET")]


def test_actions_of_other_plugins_are_offered_next_to_attachments(app, world, shared, login_as):
    d = start(login_as(world["mentee_a"]), shared, files=[upload("cv.pdf", PDF)])
    stored = posts_of(d)[0].attachments[0].file
    pm = registry().pm
    pm.register(_PinBoard(), name=_PinBoard.name)
    try:
        html = login_as(world["mentor_a"]).get(f"/forum/{shared.id}/d/{d.id}").get_data(
            as_text=True)
    finally:
        pm.unregister(name=_PinBoard.name)
    assert "Pin to the board" in html and f"/pin/{stored.id}" in html


def test_deleting_the_forum_removes_its_files(app, world, shared, login_as):
    d = start(login_as(world["mentee_a"]), shared, files=[upload("cv.pdf", PDF)])
    stored = posts_of(d)[0].attachments[0].file
    path = Path(app.config["STORAGE_DIR"]) / stored.storage_key[:2] / stored.storage_key[2:4] \
        / stored.storage_key
    assert path.exists()
    prog = world["programme"]
    resp = login_as(world["manager"]).post(f"/p/{prog.id}/activities/{shared.id}/delete")
    assert resp.status_code == 302
    db.session.expire_all()
    assert _counts() == (0, 0, 0, 0)
    assert not path.exists()


def test_deleting_a_group_removes_its_discussions_and_files(app, world, separate, login_as):
    start(login_as(world["mentee_a"]), separate, group=world["group_a"],
          files=[upload("a.pdf", PDF)])
    start(login_as(world["mentee_b"]), separate, group=world["group_b"],
          files=[upload("b.pdf", PDF)])
    resp = login_as(world["manager"]).post(f"/groups/{world['group_a'].id}/delete")
    assert resp.status_code == 302
    db.session.expire_all()
    names = db.session.scalars(db.select(StoredFile.original_name)).all()
    assert names == ["b.pdf"]
    assert db.session.scalar(db.select(db.func.count(Discussion.id))) == 1
