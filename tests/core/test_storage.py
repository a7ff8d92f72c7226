"""The file store: checks, atomic writes, checksums and safe serving."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from core import storage
from core.extensions import db
from core.models import StoredFile

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_saves_atomically_with_checksum(app):
    with app.test_request_context():
        sf = storage.save_bytes(PDF, "contract.pdf")
        db.session.commit()
        assert sf.sha256 == hashlib.sha256(PDF).hexdigest()
        assert sf.size == len(PDF) and sf.content_type == "application/pdf"
        path = storage.path_of(sf)
        assert path.read_bytes() == PDF
        assert path.name == sf.storage_key and "contract" not in str(path)
        assert not [p for p in _files(app) if p.name.startswith(".upload-")]


@pytest.mark.parametrize("name,data,fragment", [
    ("evil.html", b"<html><script>alert(1)</script>", "not accepted"),
    ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not accepted"),
    ("fake.pdf", b"<html>not a pdf</html>", "does not match"),
    ("notes.txt", b"<!DOCTYPE html><script>x</script>", "does not match"),
    ("empty.pdf", b"", "empty"),
    ("../etc/passwd.txt", b"hello", "path characters"),
    ("dir\\file.txt", b"hello", "path characters"),
    ("", b"hello", "no name"),
    ("noextension", b"hello", "not accepted"),
])
def test_refused_uploads_leave_nothing(app, name, data, fragment):
    with app.test_request_context():
        before = set(_files(app))
        with pytest.raises(storage.UploadError) as err:
            storage.save_stream(io.BytesIO(data), name)
        assert fragment in str(err.value)
        db.session.rollback()
        assert set(_files(app)) == before
        assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0


def test_size_limit_is_enforced_while_streaming(app):
    with app.test_request_context():
        before = set(_files(app))
        with pytest.raises(storage.UploadError) as err:
            storage.save_stream(io.BytesIO(b"a" * 5000), "big.txt", max_bytes=1000)
        assert err.value.status == 413
        assert set(_files(app)) == before


def test_serving_images_inline_and_everything_else_as_attachment(app):
    with app.test_request_context():
        png = storage.save_bytes(PNG, "photo.png")
        pdf = storage.save_bytes(PDF, "Smlouva o mentoringu – podpis.pdf")
        db.session.commit()
        r1 = storage.serve(png)
        assert r1.headers["Content-Type"] == "image/png"
        assert "attachment" not in r1.headers.get("Content-Disposition", "")
        r2 = storage.serve(pdf)
        disp = r2.headers["Content-Disposition"]
        assert disp.startswith("attachment")
        assert "filename*=UTF-8''Smlouva%20o%20mentoringu%20%E2%80%93%20podpis.pdf" in disp
        for r in (r1, r2):
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            r.close()


def test_text_files_are_never_served_as_html(app):
    with app.test_request_context():
        sf = storage.save_bytes(b"plain words", "notes.txt")
        db.session.commit()
        sf.content_type = "text/html"  # even if a row were tampered with
        resp = storage.serve(sf)
        assert resp.headers["Content-Type"].startswith("application/octet-stream")
        assert resp.headers["Content-Disposition"].startswith("attachment")
        resp.close()


def test_discard_removes_uncommitted_bytes(app):
    with app.test_request_context():
        sf = storage.save_bytes(PDF, "a.pdf")
        path = storage.path_of(sf)
        db.session.rollback()
        storage.discard([sf])
        assert not path.exists()
