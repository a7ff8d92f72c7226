"""Upload limits live once, in the file store, and hold for every plugin that stores
files: a per-person rate (429), a per-person and a per-programme quota (413), the
size limit (413). Each refusal shows the form again with what the person typed,
leaves no row and no file, and says plainly what happened. File names shown or
sent keep no bidi overrides or other invisible characters."""

from __future__ import annotations

import html
import io
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import current_app
from PIL import Image

from core.extensions import db
from core.models import StoredFile
from core.storage import save_bytes
from plugins.forum.models import Attachment, Post
from tests.plugins.lessons.conftest import build_lesson, png_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KB = 1024


def _pdf(size: int) -> bytes:
    return PDF + b"0" * max(size - len(PDF), 0)


def _files_on_disk() -> set[str]:
    """Every file under the store, temporary ones included."""
    root = Path(current_app.config["STORAGE_DIR"])
    return {str(Path(d, f).relative_to(root)) for d, _s, fs in os.walk(root) for f in fs}


def _rows() -> int:
    return db.session.scalar(db.select(db.func.count(StoredFile.id)))


@pytest.fixture
def places(world, make) -> SimpleNamespace:
    """A shared forum with a discussion, and a group's document folder."""
    prog = world["programme"]
    forum = make.activity(prog, "forum", plugin="forum", title="Open forum")
    folder = make.activity(prog, "documents.folder", group_mode="separate", title="Toolbar")
    return SimpleNamespace(**world, forum=forum, folder=folder)


# one sender per plugin: (client, places, file name, bytes, text typed) -> response

def _forum(client: Any, p: SimpleNamespace, name: str, data: bytes, text: str) -> Any:
    return client.post(f"/forum/{p.forum.id}/new", content_type="multipart/form-data", data={
        "title": "Forms for you", "body": text, "action": "post",
        "attachments": [(io.BytesIO(data), name)]})


def _messages(client: Any, p: SimpleNamespace, name: str, data: bytes, text: str) -> Any:
    return client.post(f"/messages/p/{p.programme.id}/new", content_type="multipart/form-data",
                       data={"recipient": str(p.mentee_a.id), "body": text,
                             "attachment": (io.BytesIO(data), name)})


def _documents(client: Any, p: SimpleNamespace, name: str, data: bytes, text: str) -> Any:
    return client.post(f"/documents/folder/{p.folder.id}/groups/{p.group_a.id}/upload",
                       content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), "note": text})


SENDERS: dict[str, Callable[..., Any]] = {
    "forum": _forum, "messages": _messages, "documents": _documents}


def _refused(resp: Any, status: int, message: str, text: str, before: tuple) -> None:
    page = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == status, page[:500]
    assert message in page
    assert text in page, "the form is shown again with what was typed"
    assert 'type="file"' in page
    assert (_rows(), _files_on_disk()) == before, "nothing is kept"


@pytest.mark.parametrize("plugin", list(SENDERS))
def test_upload_rate_files_429(plugin, places, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_FILES", 3)
    send = SENDERS[plugin]
    mentor = login_as(places.mentor_a)
    for n in range(3):
        assert send(mentor, places, f"f{n}.pdf", PDF, f"text {n}").status_code == 302
    before = (_rows(), _files_on_disk())
    resp = send(mentor, places, "fourth.pdf", PDF, "My fourth text, typed with care")
    _refused(resp, 429, "You have uploaded too much in a short time (at most 3 files",
             "My fourth text, typed with care", before)
    # another person is not held back
    assert send(login_as(places.manager), places, "m.pdf", PDF, "other").status_code == 302


def test_rate_counts_every_plugin_together(places, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_FILES", 3)
    mentor = login_as(places.mentor_a)
    assert _forum(mentor, places, "a.pdf", PDF, "one").status_code == 302
    assert _messages(mentor, places, "b.pdf", PDF, "two").status_code == 302
    assert _documents(mentor, places, "c.pdf", PDF, "three").status_code == 302
    before = (_rows(), _files_on_disk())
    _refused(_forum(mentor, places, "d.pdf", PDF, "four"), 429, "too much in a short time",
             "four", before)


def test_forum_burst_of_attachments_is_stopped(places, login_as, app, monkeypatch):
    """The reviewed case: a mentee posting many 1 MB attachments in a minute. With the
    byte rate at 3 MB, the fourth megabyte is refused while it streams in."""
    monkeypatch.setitem(app.config, "UPLOAD_RATE_FILES", 0)
    monkeypatch.setitem(app.config, "UPLOAD_RATE_MB", 3)
    mentee = login_as(places.mentee_a)
    for n in range(3):
        assert _forum(mentee, places, f"{n}.pdf", _pdf(1000 * KB), "x").status_code == 302
    before = (_rows(), _files_on_disk())
    _refused(_forum(mentee, places, "3.pdf", _pdf(1000 * KB), "Number four"), 429,
             "You have uploaded too much in a short time", "Number four", before)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 3


@pytest.mark.parametrize("plugin", list(SENDERS))
def test_user_quota_413(plugin, places, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_USER_QUOTA_MB", 1)
    send = SENDERS[plugin]
    mentor = login_as(places.mentor_a)
    assert send(mentor, places, "a.pdf", _pdf(600 * KB), "first").status_code == 302
    before = (_rows(), _files_on_disk())
    _refused(send(mentor, places, "b.pdf", _pdf(600 * KB), "Second text stays"), 413,
             "Your storage space is full (you may keep 1 MB of files)", "Second text stays",
             before)
    # a small file still fits, and the quota is the person's, not everyone's
    assert send(mentor, places, "c.pdf", _pdf(100 * KB), "small").status_code == 302
    assert send(login_as(places.manager), places, "d.pdf", _pdf(600 * KB),
                "manager").status_code == 302


@pytest.mark.parametrize("plugin", list(SENDERS))
def test_programme_quota_413(plugin, places, login_as, app, make, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_PROGRAMME_QUOTA_MB", 1)
    send = SENDERS[plugin]
    # files of any plugin in the programme count: here one the lessons plugin kept
    save_bytes(_pdf(500 * KB), "lesson.pdf", plugin="lessons", programme=places.programme)
    db.session.commit()
    mentor = login_as(places.mentor_a)
    assert send(mentor, places, "a.pdf", _pdf(300 * KB), "first").status_code == 302
    before = (_rows(), _files_on_disk())
    _refused(send(mentor, places, "b.pdf", _pdf(300 * KB), "Please read it"), 413,
             "This programme's storage space is full (1 MB)", "Please read it", before)
    # another programme's files do not count against this one
    other = make.programme()
    assert save_bytes(PDF, "other.pdf", plugin="forum", programme=other).size == len(PDF)


@pytest.mark.parametrize("plugin", list(SENDERS))
def test_file_over_the_size_limit_413_with_the_form(plugin, places, login_as, app,
                                                     monkeypatch):
    """Within the request limit but over the file limit: 413, the form, the text."""
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    send = SENDERS[plugin]
    mentee_or_mentor = login_as(places.mentor_a)
    before = (_rows(), _files_on_disk())
    resp = send(mentee_or_mentor, places, "big.pdf", _pdf(1100 * KB), "All my words")
    _refused(resp, 413, "The file is larger than the limit of 1 MB", "All my words", before)


def test_forum_reply_over_the_size_limit_413(places, login_as, app, monkeypatch):
    mentee = login_as(places.mentee_a)
    assert _forum(mentee, places, "a.pdf", PDF, "start").status_code == 302
    post = db.session.scalar(db.select(Post).order_by(Post.id.desc()))
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    before = (_rows(), _files_on_disk())
    resp = mentee.post(f"/forum/{places.forum.id}/d/{post.discussion_id}/reply",
                       content_type="multipart/form-data",
                       data={"body": "My long reply", "action": "post",
                             "attachments": [(io.BytesIO(_pdf(1100 * KB)), "big.pdf")]})
    _refused(resp, 413, "The file is larger than the limit of 1 MB", "My long reply", before)


BIDI = "cv\u202excod\u200b\u2066.pdf"  # shows as "cvdocx.pdf" with the override kept


def test_bidi_and_invisible_characters_are_stripped_from_names(places, login_as):
    mentee = login_as(places.mentee_a)
    resp = _forum(mentee, places, BIDI, PDF, "My CV")
    assert resp.status_code == 302
    sf = db.session.scalar(db.select(StoredFile).order_by(StoredFile.id.desc()))
    assert sf.original_name == "cvxcod.pdf"
    att = db.session.scalar(db.select(Attachment).where(Attachment.stored_file_id == sf.id))
    post = db.session.get(Post, att.post_id)
    page = mentee.get(f"/forum/{places.forum.id}/d/{post.discussion_id}").get_data(as_text=True)
    assert "cvxcod.pdf" in page
    for ch in ("\u202e", "\u200b", "\u2066", "&#8238;", "%E2%80%AE"):
        assert ch not in page
    download = mentee.get(f"/forum/{places.forum.id}/files/{att.id}")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "cvxcod.pdf" in disposition
    assert "%E2%80%AE" not in disposition.upper() and "\u202e" not in disposition
    # a name stored before names were cleaned is shown and sent clean
    db.session.execute(db.update(StoredFile).where(StoredFile.id == sf.id)
                       .values(original_name=BIDI))
    db.session.commit()
    page = mentee.get(f"/forum/{places.forum.id}/d/{post.discussion_id}").get_data(as_text=True)
    assert "cvxcod.pdf" in page and "\u202e" not in page
    disposition = mentee.get(f"/forum/{places.forum.id}/files/{att.id}").headers[
        "Content-Disposition"]
    assert "cvxcod.pdf" in disposition and "%E2%80%AE" not in disposition.upper()


def test_names_of_only_invisible_characters_are_refused(places, login_as):
    resp = _documents(login_as(places.mentor_a), places, "\u202e\u200b", PDF, "note")
    assert resp.status_code == 400
    assert _rows() == 0


def test_lesson_images_answer_the_limits_with_the_manage_page(world, make, login_as, app,
                                                              monkeypatch):
    activity = build_lesson(make, world["programme"], [(1, 0)])
    manager = login_as(world["manager"])
    url = f"/lessons/{activity.id}/images/upload"

    def send(name: str, data: bytes) -> Any:
        return manager.post(url, content_type="multipart/form-data",
                            data={"file": (io.BytesIO(data), "x.png"), "name": name})

    monkeypatch.setitem(app.config, "UPLOAD_RATE_FILES", 1)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    before = (_rows(), _files_on_disk())
    resp = send("big.png", png_bytes() + b"\0" * 1100 * KB)
    assert resp.status_code == 413
    assert "The file is larger than the limit of 1 MB" in resp.get_data(as_text=True)
    assert (_rows(), _files_on_disk()) == before
    assert send("one.png", png_bytes()).status_code == 302
    resp = send("two.png", png_bytes())
    assert resp.status_code == 429
    assert "too much in a short time" in html.unescape(resp.get_data(as_text=True))
    assert 'type="file"' in resp.get_data(as_text=True)


def test_profile_photo_answers_the_rate_with_the_profile_page(world, login_as, app,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_FILES", 1)
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, "JPEG")
    mentee = login_as(world["mentee_a"])
    url = f"/p/{world['programme'].id}/matching/profile/photo"

    def send() -> Any:
        return mentee.post(url, content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(picture.getvalue()), "me.jpg")})

    assert send().status_code == 302
    before = (_rows(), _files_on_disk())
    resp = send()
    assert resp.status_code == 429
    assert "too much in a short time" in html.unescape(resp.get_data(as_text=True))
    assert 'type="file"' in resp.get_data(as_text=True)
    assert (_rows(), _files_on_disk()) == before
