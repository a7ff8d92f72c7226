"""Large uploads are streamed: neither the file store nor the upload path through a
real form holds a whole file in memory (the project brief: a 50 MB upload grows the
worker by less than 10 MB; bench/upload_memory.py measures that under gunicorn).

The peak of Python allocations is measured with ``tracemalloc`` while a generated
file, which never exists in memory as a whole, goes through the code."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

from core import storage
from core.extensions import db
from core.models import StoredFile

MB = 1024 * 1024
SIZE = 32 * MB
PEAK_LIMIT = 4 * MB  # an eighth of the file: buffering it whole would need SIZE or more


class GeneratedStream(io.RawIOBase):
    """A readable stream of ``length`` bytes made by ``pieces``, holding one piece at a
    time; it keeps the length and sha256 of the file's bytes it handed out.

    It cannot seek; ``tell`` and seeking to the end and back are allowed so that
    Werkzeug's test client can measure it."""

    def __init__(self, pieces: Iterator[bytes], length: int) -> None:
        self._pieces = pieces
        self._rest = b""
        self._pos = 0
        self._measuring: int | None = None
        self.length = length
        self.sha256 = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos if self._measuring is None else self._measuring

    def seek(self, offset: int, whence: int = 0) -> int:
        target = {0: offset, 1: self.tell() + offset, 2: self.length + offset}[whence]
        if target == self._pos:
            self._measuring = None
        elif target == self.length:
            self._measuring = target
        else:
            raise io.UnsupportedOperation("a generated stream cannot seek")
        return target

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                self._rest = next(self._pieces)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        self._pos += n
        return n


def pdf_pieces(size: int, sink: Callable[[bytes], None]) -> Iterator[bytes]:
    """A PDF of ``size`` bytes (a header, then filler), 64 KB at a time."""
    block = bytes(range(256)) * 256
    first = b"%PDF-1.4\n% streamed upload test\n"
    sent = 0
    while sent < size:
        piece = ((first + block) if sent == 0 else block)[: min(len(block), size - sent)]
        sink(piece)
        sent += len(piece)
        yield piece


def file_stream(size: int) -> GeneratedStream:
    def _sink(piece: bytes) -> None:
        stream.sha256.update(piece)
        stream.count += len(piece)

    stream = GeneratedStream(pdf_pieces(size, _sink), size)
    return stream


def multipart_stream(fields: dict[str, str], name: str, size: int) -> tuple[GeneratedStream,
                                                                            str, int]:
    """A multipart/form-data body with a generated PDF: the stream, its content type and
    its length. The stream's sha256 and count cover the file's bytes only."""
    boundary = "streamingtestboundary7f3a9c"
    head = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                   f"{v}\r\n" for k, v in fields.items())
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n")
    tail = f"\r\n--{boundary}--\r\n".encode()

    def _pieces() -> Iterator[bytes]:
        yield head.encode()
        yield from pdf_pieces(size, _sink)
        yield tail

    def _sink(piece: bytes) -> None:
        stream.sha256.update(piece)
        stream.count += len(piece)

    stream = GeneratedStream(_pieces(), len(head) + size + len(tail))
    return stream, f"multipart/form-data; boundary={boundary}", stream.length


def peak_allocated(work: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``work``; return its result and the peak of memory it allocated."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = work()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return result, peak


def test_the_generated_stream_is_what_it_says():
    stream = file_stream(3 * MB + 17)
    data = stream.read()
    assert len(data) == stream.count == 3 * MB + 17 and data.startswith(b"%PDF-1.4\n")
    assert hashlib.sha256(data).hexdigest() == stream.sha256.hexdigest()


def test_buffering_a_file_would_be_caught():
    """The measure itself: reading the generated file whole shows up in the peak."""
    _data, peak = peak_allocated(lambda: file_stream(SIZE).read())
    assert peak >= SIZE


def test_save_stream_holds_only_chunks(app):
    with app.test_request_context():
        # warm up: the first use of the models configures SQLAlchemy's mappers
        storage.save_stream(file_stream(MB), "small.pdf")
        stream = file_stream(SIZE)
        sf, peak = peak_allocated(lambda: storage.save_stream(
            stream, "big.pdf", max_bytes=SIZE + 1))
        db.session.commit()
        assert peak < PEAK_LIMIT, f"storing {SIZE // MB} MB allocated {peak / MB:.1f} MB"
        assert sf.size == stream.count == SIZE
        assert sf.sha256 == stream.sha256.hexdigest()
        path = storage.path_of(sf)
        assert path.stat().st_size == SIZE
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(MB):
                digest.update(chunk)
        assert digest.hexdigest() == sf.sha256


def test_upload_through_a_real_form_is_streamed(app, make, login_as):
    """A document folder's upload form: the request body is parsed to a spooled file
    and stored in chunks, with CSRF, permission and quota checks on the way."""
    world = make.world()
    prog, group, mentor = world["programme"], world["group_a"], world["mentor_a"]
    folder = make.activity(prog, "documents.folder", group_mode="separate", title="Toolbar")
    prog.settings = {**(prog.settings or {}),
                     "documents": {"max_file_mb": 50}}
    db.session.commit()
    client = login_as(mentor)
    url = f"/documents/folder/{folder.id}/groups/{group.id}/upload"
    # warm up: the first request compiles templates and fills caches
    small, ctype, length = multipart_stream({"template_id": "0", "note": ""}, "small.pdf",
                                            600 * 1024)
    assert client.post(url, input_stream=small, content_type=ctype,
                       content_length=length).status_code == 302

    body, ctype, length = multipart_stream({"template_id": "0", "title": "Big scan",
                                            "note": ""}, "big-scan.pdf", SIZE)
    resp, peak = peak_allocated(lambda: client.post(
        url, input_stream=body, content_type=ctype, content_length=length))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert peak < PEAK_LIMIT, f"uploading {SIZE // MB} MB allocated {peak / MB:.1f} MB"
    sf = db.session.scalar(db.select(StoredFile).where(StoredFile.original_name ==
                                                       "big-scan.pdf"))
    assert sf is not None and sf.size == body.count == SIZE
    assert sf.sha256 == body.sha256.hexdigest()
    assert storage.path_of(sf).stat().st_size == SIZE
