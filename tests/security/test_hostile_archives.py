"""Hostile lesson archives: every import that cannot be read answers 400 with the
form and a clear message, and leaves no row and no file behind.

The archives are made with ``zipfile`` and then patched byte by byte, as an
attacker would: a size that lies, a wrong CRC, the encrypted flag, a corrupt
compressed stream, and a file under images/ that is not an image after a good one.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile

import pytest
from PIL import Image as PILImage

from core.extensions import db
from core.models import Activity, StoredFile
from plugins.lessons.models import Chapter, Image

CENTRAL, LOCAL = b"PK\x01\x02", b"PK\x03\x04"


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (4, 4), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def _zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def _lesson(**extra: bytes) -> dict[str, bytes]:
    manifest = {"title": "Hostile", "chapters": [
        {"title": "One", "pages": [{"title": "P", "file": "p.md"}]}]}
    return {"lesson.json": json.dumps(manifest).encode(), "p.md": b"# Page\n" * 50, **extra}


def _patch(data: bytes, name: str, where: str, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of ``name``'s central (``where="central"``) or local header."""
    sig, name_at = (CENTRAL, 46) if where == "central" else (LOCAL, 30)
    start = 0
    while True:
        at = data.index(sig, start)
        if data[at + name_at:at + name_at + len(name)] == name.encode():
            break
        start = at + 4
    out = bytearray(data)
    struct.pack_into(fmt, out, at + offset, value)
    return bytes(out)


def _lying_size() -> bytes:
    data = _zip(_lesson())
    real = len(_lesson()["p.md"])
    data = _patch(data, "p.md", "central", 24, "<I", real + 5000)  # uncompressed size
    return _patch(data, "p.md", "local", 22, "<I", real + 5000)


def _lying_small_size() -> bytes:
    data = _zip(_lesson(), zipfile.ZIP_STORED)
    return _patch(_patch(data, "p.md", "central", 24, "<I", 10), "p.md", "local", 22, "<I", 10)


def _bad_crc() -> bytes:
    data = _zip(_lesson())
    return _patch(_patch(data, "p.md", "central", 16, "<I", 0x1234),
                  "p.md", "local", 14, "<I", 0x1234)


def _encrypted() -> bytes:
    data = _zip(_lesson())
    return _patch(_patch(data, "p.md", "central", 8, "<H", 1), "p.md", "local", 6, "<H", 1)


def _corrupt_stream() -> bytes:
    data = bytearray(_zip(_lesson()))
    at = data.index(LOCAL + b"", data.index(b"p.md") - 30)
    body = at + 30 + len("p.md")
    data[body:body + 8] = b"\xff" * 8
    return bytes(data)


def _not_an_image_after_a_good_one() -> bytes:
    return _zip(_lesson(**{"images/a.png": _png(), "images/b.png": b"just text, not png"}))


HOSTILE = {
    "lying size": (_lying_size, "could not be read"),
    "lying small size": (_lying_small_size, "could not be read"),
    "bad crc": (_bad_crc, "could not be read"),
    "encrypted": (_encrypted, "encrypted"),
    "corrupt stream": (_corrupt_stream, "could not be read"),
    "not an image": (_not_an_image_after_a_good_one, "does not match its type"),
}


def _store(app) -> set[str]:
    root = app.config["STORAGE_DIR"]
    return {os.path.join(d, f) for d, _s, files in os.walk(root) for f in files}


@pytest.fixture
def upload(world, make, login_as):
    """Post an archive to the import page as the programme's manager."""
    section = make.section(world["programme"], "S")
    client = login_as(world["manager"])
    url = f"/lessons/p/{world['programme'].id}/import"
    return lambda archive: client.post(url, content_type="multipart/form-data", data={
        "file": (io.BytesIO(archive), "l.zip"), "section_id": section.id})


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_archive_is_refused_and_leaves_nothing(app, upload, case):
    build, message = HOSTILE[case]
    before = _store(app)
    resp = upload(build())
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400, text[:300]
    assert message in text and 'name="file"' in text
    assert _store(app) == before
    for model in (Activity, Chapter, StoredFile, Image):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0


def test_a_good_archive_still_imports(app, upload):
    assert upload(_zip(_lesson(**{"images/a.png": _png()}))).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Image.id))) == 1
