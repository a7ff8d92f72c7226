"""The file store: streamed atomic writes, checksums, type checks and safe serving."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from flask import Response, current_app, send_file
from flask_babel import gettext as _

from core.extensions import db

CHUNK = 64 * 1024

# extension -> (content type, magic prefixes or None when any bytes are fine)
KNOWN_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "txt": ("text/plain", None),
    "md": ("text/markdown", None),
    "csv": ("text/csv", None),
    "zip": ("application/zip", (b"PK\x03\x04",)),
}
DEFAULT_ALLOWED = frozenset(
    {"pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "jpg", "jpeg", "png", "txt"}
)
SAFE_INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_MARKUP_SNIFF = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<body", b"<head")


class UploadError(ValueError):
    """A refused upload; ``str(err)`` is a translated message for the user."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def store_root() -> Path:
    """The directory holding stored files."""
    root = Path(current_app.config["STORAGE_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(stored_file: Any) -> Path:
    """Where a stored file's bytes live on disk."""
    key = stored_file.storage_key
    return store_root() / key[:2] / key[2:4] / key


def clean_name(name: str | None) -> str:
    """Validate an uploaded file name: no path characters, not empty, sane length."""
    name = (name or "").strip()
    if not name:
        raise UploadError(_("The file has no name."))
    if any(c in name for c in "/\\\x00") or name in (".", "..") or name.startswith("."):
        raise UploadError(_("File names may not contain path characters."))
    if any(ord(c) < 32 for c in name):
        raise UploadError(_("File names may not contain control characters."))
    return name[:255]


def extension(name: str) -> str:
    """Lower-case extension without the dot."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _check_content(ext: str, head: bytes) -> None:
    _ctype, magic = KNOWN_TYPES[ext]
    lowered = head.lstrip()[:512].lower()
    if magic is None:
        if any(lowered.startswith(m) for m in _MARKUP_SNIFF) or b"<script" in lowered:
            raise UploadError(_("The file's content does not match its type."))
        return
    if not any(head.startswith(m) for m in magic):
        raise UploadError(_("The file's content does not match its type."))


def save_stream(
    stream: IO[bytes],
    filename: str | None,
    *,
    plugin: str = "core",
    programme: Any = None,
    user: Any = None,
    allowed: Iterable[str] = DEFAULT_ALLOWED,
    max_bytes: int | None = None,
) -> Any:
    """Check and store an uploaded stream; return an unsaved-to-commit ``StoredFile``.

    The bytes go to a temporary file in the store, are fsynced and renamed into
    place. On any refusal nothing is left on disk and ``UploadError`` says why.
    The caller commits the returned row with whatever it belongs to; if that
    transaction fails, call ``discard`` on it.
    """
    from core.models import StoredFile

    name = clean_name(filename)
    ext = extension(name)
    allowed = frozenset(allowed)
    if ext not in allowed or ext not in KNOWN_TYPES:
        kinds = ", ".join(sorted(allowed))
        raise UploadError(
            _("Files of this type are not accepted. Allowed: %(kinds)s.", kinds=kinds)
        )
    limit = max_bytes or current_app.config["UPLOAD_MAX_MB"] * 1024 * 1024
    root = store_root()
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                size += len(chunk)
                if size > limit:
                    raise UploadError(
                        _("The file is larger than the limit of %(mb)s MB.", mb=limit // 1048576),
                        413,
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadError(_("The file is empty."))
        _check_content(ext, head)
        key = uuid.uuid4().hex
        final = root / key[:2] / key[2:4] / key
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    row = StoredFile(
        storage_key=key,
        original_name=name,
        content_type=KNOWN_TYPES[ext][0],
        size=size,
        sha256=digest.hexdigest(),
        plugin=plugin,
        programme_id=getattr(programme, "id", programme),
        uploaded_by_id=getattr(user, "id", user),
    )
    db.session.add(row)
    return row


def save_upload(file_storage: Any, **kwargs: Any) -> Any:
    """Store a Werkzeug ``FileStorage`` from a form; see ``save_stream``."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadError(_("Choose a file to upload."))
    return save_stream(file_storage.stream, file_storage.filename, **kwargs)


def save_bytes(data: bytes, filename: str, **kwargs: Any) -> Any:
    """Store bytes made by the application itself (templates, exports)."""
    import io

    return save_stream(io.BytesIO(data), filename, **kwargs)


def discard(stored_files: Iterable[Any]) -> None:
    """Remove the bytes of files whose database rows were not committed."""
    for sf in stored_files:
        try:
            path_of(sf).unlink()
        except FileNotFoundError:
            pass


def delete(stored_file: Any) -> None:
    """Delete a stored file's row (in the session) and its bytes."""
    path = path_of(stored_file)
    db.session.delete(stored_file)
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def read_bytes(stored_file: Any) -> bytes:
    """Return a stored file's content."""
    return path_of(stored_file).read_bytes()


def serve(stored_file: Any, *, inline_images: bool = True) -> Response:
    """Send a stored file; call only after a capability check.

    Safe images may be shown inline; everything else is an attachment with the
    original name correctly encoded. Never HTML or SVG inline.
    """
    ctype = stored_file.content_type
    inline = inline_images and ctype in SAFE_INLINE
    if not inline and ctype.startswith("text/"):
        ctype = "application/octet-stream" if ctype != "text/plain" else "text/plain"
    resp = send_file(
        path_of(stored_file),
        mimetype=ctype,
        as_attachment=not inline,
        download_name=stored_file.original_name,
        etag=stored_file.sha256,
        conditional=True,
        max_age=0,
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def guess_type(name: str) -> str:
    """A content type for an application-made file name."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
