"""The file store: streamed atomic writes, checksums, type checks, upload limits
(size, per-user rate, per-user and per-programme quota) and safe serving. A full disk
is told apart (``core.storage_space``)."""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from flask import Response, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import event, func
from sqlalchemy.orm.attributes import set_committed_value

from core.extensions import db
from core.models import StoredFile, utcnow
from core.storage_space import NO_SPACE, out_of_space_message, record_out_of_space

log = logging.getLogger("ementoring.storage")
CHUNK = 64 * 1024
MB = 1024 * 1024
TEMP_PREFIX = ".upload-"

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


def shown_name(name: str | None, *, keep_nul: bool = False) -> str:
    """A file name as it may be shown: without bidi overrides, zero-width and other
    invisible format or control characters, trimmed. ``keep_nul`` keeps NUL bytes
    (so that ``clean_name`` can refuse them)."""
    return "".join(c for c in (name or "") if unicodedata.category(c) not in ("Cc", "Cf")
                   or (keep_nul and c == "\x00")).strip()


@event.listens_for(StoredFile, "load")
@event.listens_for(StoredFile, "refresh")
def _shown_name_on_load(stored_file: StoredFile, _context: Any, _attrs: Any = None) -> None:
    """Names stored before they were cleaned are shown (and sent) clean."""
    name = stored_file.original_name
    if name and shown_name(name) != name:
        set_committed_value(stored_file, "original_name", shown_name(name) or "file")


def clean_name(name: str | None) -> str:
    """Validate an uploaded file name and return the name to store and show: no path
    characters, not empty, sane length, without bidi overrides and other invisible
    format or control characters (which could disguise ``exe.pdf`` as ``fdp.exe``)."""
    name = shown_name(name, keep_nul=True)
    if not name:
        raise UploadError(_("The file has no name."))
    if any(c in name for c in "/\\\x00") or name in (".", "..") or name.startswith("."):
        raise UploadError(_("File names may not contain path characters."))
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


# ---------------------------------------------------------------- limits


def _setting_bytes(key: str) -> int:
    """A size setting in MB as bytes; 0 (or less) means no limit."""
    return max(int(current_app.config.get(key) or 0), 0) * MB


def _pending(**where: Any) -> list[StoredFile]:
    """Files added to this session (same request, not yet committed) matching ``where``."""
    return [o for o in db.session.new if isinstance(o, StoredFile)
            and all(getattr(o, k) == v for k, v in where.items())]


def _usage(*conditions: Any, **pending: Any) -> tuple[int, int]:
    """Number and total size of stored files matching ``conditions``, counting the
    files this request has stored but not committed yet."""
    with db.session.no_autoflush:
        count, total = db.session.execute(
            db.select(func.count(StoredFile.id), func.coalesce(func.sum(StoredFile.size), 0))
            .where(*conditions)).one()
    extra = _pending(**pending)
    return int(count) + len(extra), int(total or 0) + sum(f.size or 0 for f in extra)


def _refuse(error: UploadError, what: str, **fields: Any) -> UploadError:
    """Log a refusal on ``ementoring.storage`` (one key=value line) and return it."""
    log.info("upload refused: %s %s", what, " ".join(f"{k}={v}" for k, v in fields.items()))
    return error


def _rate_left(user_id: int) -> tuple[int, UploadError]:
    """Bytes the user may still upload in this window (-1: not limited) and the refusal
    (429); refuse now when the window's files or bytes are used up."""
    cfg = current_app.config
    minutes = int(cfg.get("UPLOAD_RATE_WINDOW_MINUTES") or 60)
    files_allowed = int(cfg.get("UPLOAD_RATE_FILES") or 0)
    bytes_allowed = _setting_bytes("UPLOAD_RATE_MB")
    error = UploadError(
        _("You have uploaded too much in a short time (at most %(n)d files or %(mb)d MB in "
          "%(minutes)d minutes). Your file was not saved. Please wait a while and try again.",
          n=files_allowed, mb=bytes_allowed // MB, minutes=minutes),
        429,
    )
    if files_allowed <= 0 and bytes_allowed <= 0:
        return -1, error
    since = utcnow() - timedelta(minutes=minutes)
    count, total = _usage(StoredFile.uploaded_by_id == user_id, StoredFile.created_at >= since,
                          uploaded_by_id=user_id)
    if (files_allowed > 0 and count >= files_allowed) or \
            (bytes_allowed > 0 and total >= bytes_allowed):
        raise _refuse(error, "rate", user_id=user_id, files=count, bytes=total)
    return (bytes_allowed - total if bytes_allowed > 0 else -1), error


def _user_quota_left(user_id: int) -> tuple[int, UploadError]:
    """Bytes a user may still store (-1: unlimited) and the refusal (413)."""
    quota = _setting_bytes("UPLOAD_USER_QUOTA_MB")
    error = UploadError(
        _("Your storage space is full (you may keep %(quota)d MB of files). Your file was not "
          "saved. Delete files you no longer need, or ask your manager for help.",
          quota=quota // MB),
        413,
    )
    if quota <= 0:
        return -1, error
    _n, used = _usage(StoredFile.uploaded_by_id == user_id, uploaded_by_id=user_id)
    if used >= quota:
        raise _refuse(error, "user quota", user_id=user_id, used=used, quota=quota)
    return quota - used, error


def _programme_quota_left(programme_id: int) -> tuple[int, UploadError]:
    """Bytes a programme may still store (-1: unlimited) and the refusal (413)."""
    quota = _setting_bytes("UPLOAD_PROGRAMME_QUOTA_MB")
    error = UploadError(
        _("This programme's storage space is full (%(quota)d MB). Your file was not saved. "
          "Please tell your manager.", quota=quota // MB),
        413,
    )
    if quota <= 0:
        return -1, error
    _n, used = _usage(StoredFile.programme_id == programme_id, programme_id=programme_id)
    if used >= quota:
        raise _refuse(error, "programme quota", programme_id=programme_id, used=used,
                      quota=quota)
    return quota - used, error


class _Budget:
    """How many bytes one upload may still take, and the refusal for going over."""

    def __init__(self, max_bytes: int) -> None:
        self.limit = max_bytes
        self.error = UploadError(
            _("The file is larger than the limit of %(mb)s MB.", mb=max_bytes // MB), 413)

    def cap(self, left: int, error: UploadError) -> None:
        """Lower the budget to ``left`` bytes (-1: no cap), refused with ``error``."""
        if 0 <= left < self.limit:
            self.limit, self.error = left, error


def _budget(max_bytes: int, user_id: int | None, programme_id: int | None,
            rate: bool, quota: bool) -> _Budget:
    """Check the rate and the quotas before any byte is written; return the budget."""
    budget = _Budget(max_bytes)
    if rate and user_id is not None:
        budget.cap(*_rate_left(user_id))
    if quota and user_id is not None:
        budget.cap(*_user_quota_left(user_id))
    if quota and programme_id is not None:
        budget.cap(*_programme_quota_left(programme_id))
    return budget


# ---------------------------------------------------------------- storing


def save_stream(
    stream: IO[bytes],
    filename: str | None,
    *,
    plugin: str = "core",
    programme: Any = None,
    user: Any = None,
    allowed: Iterable[str] = DEFAULT_ALLOWED,
    max_bytes: int | None = None,
    rate: bool = True,
    quota: bool = True,
) -> Any:
    """Check and store an uploaded stream; return an unsaved-to-commit ``StoredFile``.

    The bytes go to a temporary file in the store, are fsynced and renamed into
    place. On any refusal nothing is left on disk and ``UploadError`` says why, with
    its HTTP status: 400 bad file, 413 too large or over a quota, 429 over the
    user's upload rate, 507 the disk is full. ``rate=False`` skips the per-user rate
    (files the application makes or unpacks itself); ``quota=False`` skips the
    quotas too (demo content). The caller commits the returned row with whatever it
    belongs to; if that transaction fails, call ``discard`` on it.
    """
    name = clean_name(filename)
    ext = extension(name)
    allowed = frozenset(allowed)
    if ext not in allowed or ext not in KNOWN_TYPES:
        kinds = ", ".join(sorted(allowed))
        raise UploadError(
            _("Files of this type are not accepted. Allowed: %(kinds)s.", kinds=kinds)
        )
    site_limit = int(current_app.config["UPLOAD_MAX_MB"]) * MB
    budget = _budget(min(max_bytes or site_limit, site_limit), getattr(user, "id", user),
                     getattr(programme, "id", programme), rate, quota)
    root = store_root()
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=root, prefix=TEMP_PREFIX)
        key, size, digest = _write(fd, stream, ext, budget)
        final = root / key[:2] / key[2:4] / key
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    except OSError as err:
        if err.errno not in NO_SPACE:
            raise
        record_out_of_space("store", err)
        raise UploadError(out_of_space_message(), 507) from err
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    row = StoredFile(
        storage_key=key,
        original_name=name,
        content_type=KNOWN_TYPES[ext][0],
        size=size,
        sha256=digest,
        plugin=plugin,
        programme_id=getattr(programme, "id", programme),
        uploaded_by_id=getattr(user, "id", user),
    )
    db.session.add(row)
    return row


def _write(fd: int, stream: IO[bytes], ext: str, budget: _Budget) -> tuple[str, int, str]:
    """Copy ``stream`` into the open temporary file ``fd`` within the budget, checking
    its content; return a new storage key, the size and the sha256."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    with os.fdopen(fd, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            if len(head) < 1024:
                head += chunk[: 1024 - len(head)]
            size += len(chunk)
            if size > budget.limit:
                raise _refuse(budget.error, "over limit", bytes=size, limit=budget.limit)
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if size == 0:
        raise UploadError(_("The file is empty."))
    _check_content(ext, head)
    return uuid.uuid4().hex, size, digest.hexdigest()


def save_upload(file_storage: Any, **kwargs: Any) -> Any:
    """Store a Werkzeug ``FileStorage`` from a form; see ``save_stream``."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadError(_("Choose a file to upload."))
    return save_stream(file_storage.stream, file_storage.filename, **kwargs)


def save_bytes(data: bytes, filename: str, **kwargs: Any) -> Any:
    """Store bytes made by the application itself (templates, exports)."""
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
