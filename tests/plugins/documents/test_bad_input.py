"""Bad input never leaves anything behind: refused types, sizes, empty files, path
characters, content that lies about its type, the upload rate and the quota. Every
refusal has a clear message and leaves no row and no file (temporary ones included)."""

from __future__ import annotations

import html
import io

import pytest

from core.extensions import db
from core.models import StoredFile
from core.storage import save_bytes
from plugins.documents.models import Document, DocumentVersion
from tests.plugins.documents.helpers import (
    PDF,
    add_document,
    folder_url,
    set_settings,
    store_listing,
    upload,
)


def _rows() -> tuple[int, int, int]:
    count = db.func.count
    return (db.session.scalar(db.select(count(StoredFile.id))),
            db.session.scalar(db.select(count(Document.id))),
            db.session.scalar(db.select(count(DocumentVersion.id))))


def _refused(client, docs, name: str, data: bytes, status: int, message: str) -> None:
    before_rows, before_files = _rows(), store_listing()
    resp = upload(client, docs.managing, docs.group_a, name, data, template_id=docs.plan.id)
    text = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == status, text[:300]
    assert message in text
    assert _rows() == before_rows
    assert store_listing() == before_files
    assert not any(".upload-" in f for f in store_listing())


CASES = [
    ("program.exe", b"MZ\x90\x00binary", "Files of this type are not accepted."),
    ("page.html", b"<html><script>alert(1)</script></html>", "Files of this type are not"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Files of this type are not"),
    ("archive.zip", b"PK\x03\x04zip", "Files of this type are not accepted."),
    ("noextension", b"just text", "Files of this type are not accepted."),
    ("empty.pdf", b"", "The file is empty."),
    ("../../etc/passwd.pdf", PDF, "File names may not contain path characters."),
    ("folder/contract.pdf", PDF, "File names may not contain path characters."),
    # multipart quoting: the server receives a single backslash
    ("folder\\\\contract.pdf", PDF, "File names may not contain path characters."),
    (".hidden.pdf", PDF, "File names may not contain path characters."),
    ("fake.pdf", b"<html>not a pdf</html>", "The file's content does not match its type."),
    ("photo.png", b"<svg onload='alert(1)'></svg>", "The file's content does not match its type."),
    ("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>",
     "The file's content does not match its type."),
]


@pytest.mark.parametrize("name,data,message", CASES, ids=[c[0] for c in CASES])
def test_refused_upload_leaves_nothing(docs, login_as, name, data, message):
    _refused(login_as(docs.mentor_a), docs, name, data, 400, message)


def test_allowed_types_are_listed_in_the_message(docs, login_as):
    resp = upload(login_as(docs.mentor_a), docs.managing, docs.group_a, "x.exe", b"MZ")
    text = resp.get_data(as_text=True)
    for kind in ("pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "jpg", "png", "txt"):
        assert kind in text


def test_no_file_chosen(docs, login_as):
    client = login_as(docs.mentor_a)
    before = _rows()
    resp = client.post(folder_url(docs.managing, docs.group_a, "/upload"),
                       data={"template_id": "0"}, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "Choose a file to upload." in resp.get_data(as_text=True)
    assert _rows() == before


def test_file_over_the_programme_size_limit(docs, login_as):
    set_settings(docs.programme, max_file_mb=1)
    big = PDF + b"0" * (1024 * 1024)
    _refused(login_as(docs.mentor_a), docs, "big.pdf", big, 413,
             "The file is larger than the limit of 1 MB.")
    ok = upload(login_as(docs.mentor_a), docs.managing, docs.group_a, "small.pdf",
                PDF + b"0" * 1000)
    assert ok.status_code == 302


def test_request_over_the_site_limit(app, docs, login_as):
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024
    try:
        before_rows, before_files = _rows(), store_listing()
        resp = upload(login_as(docs.mentor_a), docs.managing, docs.group_a, "huge.pdf",
                      PDF + b"0" * (300 * 1024))
        assert resp.status_code == 413
        assert "The file is larger than the limit" in resp.get_data(as_text=True)
        assert _rows() == before_rows and store_listing() == before_files
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old


def test_upload_rate_per_person(docs, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_FILES", 2)
    mentor = login_as(docs.mentor_a)
    for n in range(2):
        assert upload(mentor, docs.managing, docs.group_a, f"f{n}.pdf").status_code == 302
    _refused(mentor, docs, "third.pdf", PDF, 429,
             "You have uploaded too much in a short time (at most 2 files")
    # someone else is not held back by the mentor's uploads
    assert upload(login_as(docs.manager), docs.managing, docs.group_a,
                  "m.pdf").status_code == 302


def test_programme_quota(docs, login_as, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_PROGRAMME_QUOTA_MB", 1)
    mentor = login_as(docs.mentor_a)
    assert upload(mentor, docs.managing, docs.group_a, "a.pdf",
                  PDF + b"0" * 600_000).status_code == 302
    _refused(mentor, docs, "b.pdf", PDF + b"1" * 600_000, 413,
             "This programme's storage space is full (1 MB)")
    # files of other programmes do not count
    other = make.programme()
    save_bytes(PDF + b"3" * 900_000, "y.pdf", plugin="documents", programme=other.id)
    db.session.commit()
    assert upload(mentor, docs.managing, docs.group_a, "c.pdf",
                  PDF + b"4" * 100_000).status_code == 302


def test_refused_new_version_keeps_the_old_one(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    client = login_as(docs.mentor_a)
    before_rows, before_files = _rows(), store_listing()
    resp = client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/versions"),
                       data={"file": (io.BytesIO(b""), "empty.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "The file is empty." in resp.get_data(as_text=True)
    assert _rows() == before_rows and store_listing() == before_files


def test_failed_commit_removes_the_stored_bytes(docs, login_as, monkeypatch):
    """If the database refuses the rows, the file already written is removed again."""
    from plugins.documents.services import folder as folder_service

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("plugins.documents.views.folder.add_version", broken)
    assert folder_service.add_version is not broken
    before_rows, before_files = _rows(), store_listing()
    with pytest.raises(RuntimeError):
        upload(login_as(docs.mentor_a), docs.managing, docs.group_a, "ok.pdf")
    db.session.rollback()
    assert _rows() == before_rows
    assert store_listing() == before_files


def test_markup_is_never_served_inline(docs, login_as):
    """Whatever a stored file claims to be, HTML and SVG come back as attachments."""
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, name="notes.txt",
                       data=b"plain notes")
    version = doc.versions[0]
    for ctype in ("text/html", "image/svg+xml", "text/plain"):
        version.file.content_type = ctype
        db.session.commit()
        resp = login_as(docs.mentee_a).get(
            folder_url(docs.managing, docs.group_a, f"/versions/{version.id}"))
        assert resp.status_code == 200
        assert resp.headers["Content-Disposition"].startswith("attachment")
        assert resp.mimetype not in ("text/html",)
        assert "sandbox" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_stored_under_generated_names(docs, login_as):
    before = store_listing()
    upload(login_as(docs.mentor_a), docs.managing, docs.group_a, "Amir contract.pdf")
    new = store_listing() - before
    assert len(new) == 1
    (path,) = new
    assert "Amir" not in path and not path.endswith(".pdf")
    stored = db.session.execute(db.select(StoredFile).order_by(StoredFile.id.desc())).scalars() \
        .first()
    assert stored.original_name == "Amir contract.pdf"
