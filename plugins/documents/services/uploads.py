"""Storing uploads for the documents plugin: allow-list and size limit (the file store
applies the site's upload rate and quotas), with nothing left behind when anything
fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

from core.extensions import db
from core.models import StoredFile
from core.plugins import setting
from core.storage import discard, save_bytes, save_upload

PLUGIN = "documents"
ALLOWED = frozenset({"pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "jpg", "jpeg", "png",
                     "txt"})
ALLOWED_LABEL = "pdf, docx, odt, xlsx, ods, pptx, odp, jpg, png, txt"
MB = 1024 * 1024


def max_file_bytes(programme_id: int) -> int:
    """The largest file accepted in a programme: its setting, never above the site limit."""
    site = int(current_app.config["UPLOAD_MAX_MB"])
    return min(int(setting(programme_id, PLUGIN, "max_file_mb")), site) * MB


def store_upload(file_storage: Any, *, programme_id: int, user: Any) -> StoredFile:
    """Check and store a file from a form; raise ``UploadError`` (with the file store's
    status: 400, 413, 429 or 507) with a message for the user. The returned row is in
    the session, not committed."""
    return save_upload(file_storage, plugin=PLUGIN, programme=programme_id, user=user,
                       allowed=ALLOWED, max_bytes=max_file_bytes(programme_id))


def store_bytes(data: bytes, name: str, *, programme_id: int, user: Any,
                rate: bool = True) -> StoredFile:
    """Like ``store_upload`` for bytes the application has (copies, generated files);
    ``rate=False`` skips the per-user rate for files the application made itself."""
    return save_bytes(data, name, plugin=PLUGIN, programme=programme_id, user=user,
                      allowed=ALLOWED, max_bytes=max_file_bytes(programme_id), rate=rate)


@contextmanager
def committing(stored: list[Any]) -> Iterator[None]:
    """Commit the block's changes; on any failure roll back and remove the bytes of
    the files in ``stored`` (a list the block may still append to)."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard([s for s in stored if s is not None])
        raise
