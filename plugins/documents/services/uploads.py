"""Storing uploads for the documents plugin: allow-list, size limit, per-user rate and
per-programme quota, with nothing left behind when anything fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func

from core.extensions import db
from core.models import StoredFile, utcnow
from core.plugins import setting
from core.storage import UploadError, discard, save_bytes, save_upload

PLUGIN = "documents"
ALLOWED = frozenset({"pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "jpg", "jpeg", "png",
                     "txt"})
ALLOWED_LABEL = "pdf, docx, odt, xlsx, ods, pptx, odp, jpg, png, txt"
MB = 1024 * 1024


def max_file_bytes(programme_id: int) -> int:
    """The largest file accepted in a programme: its setting, never above the site limit."""
    site = int(current_app.config["UPLOAD_MAX_MB"])
    return min(int(setting(programme_id, PLUGIN, "max_file_mb")), site) * MB


def quota_bytes(programme_id: int) -> int:
    """The programme's storage quota for documents."""
    return int(setting(programme_id, PLUGIN, "quota_mb")) * MB


def used_bytes(programme_id: int) -> int:
    """Bytes the programme's templates and documents occupy, trash included."""
    with db.session.no_autoflush:
        total = db.session.scalar(
            db.select(func.coalesce(func.sum(StoredFile.size), 0)).where(
                StoredFile.plugin == PLUGIN, StoredFile.programme_id == programme_id
            )
        )
    return int(total or 0)


def check_rate(user: Any, programme_id: int) -> None:
    """Refuse with 429 when ``user`` uploaded the hourly allowance in this programme."""
    per_hour = int(setting(programme_id, PLUGIN, "uploads_per_hour"))
    since = utcnow() - timedelta(hours=1)
    with db.session.no_autoflush:
        count = db.session.scalar(
            db.select(func.count(StoredFile.id)).where(
                StoredFile.plugin == PLUGIN,
                StoredFile.programme_id == programme_id,
                StoredFile.uploaded_by_id == user.id,
                StoredFile.created_at >= since,
            )
        )
    if count >= per_hour:
        raise UploadError(
            _("You have reached the limit of %(n)d uploads per hour. Please wait a "
              "while and try again.", n=per_hour),
            429,
        )


def _check_quota(stored: Any, used: int, programme_id: int) -> None:
    quota = quota_bytes(programme_id)
    if used + stored.size > quota:
        discard([stored])
        db.session.expunge(stored)
        raise UploadError(
            _("This programme's document storage is full (%(used)s of %(quota)s MB used). "
              "Ask a manager to empty the trash or raise the quota.",
              used=round(used / MB, 1), quota=quota // MB),
            413,
        )


def store_upload(file_storage: Any, *, programme_id: int, user: Any) -> StoredFile:
    """Check and store a file from a form; raise ``UploadError`` (status 400, 413 or 429)
    with a message for the user. The returned row is in the session, not committed."""
    check_rate(user, programme_id)
    used = used_bytes(programme_id)
    stored = save_upload(file_storage, plugin=PLUGIN, programme=programme_id, user=user,
                         allowed=ALLOWED, max_bytes=max_file_bytes(programme_id))
    _check_quota(stored, used, programme_id)
    return stored


def store_bytes(data: bytes, name: str, *, programme_id: int, user: Any,
                rate: bool = True) -> StoredFile:
    """Like ``store_upload`` for bytes the application has (copies, generated files);
    ``rate=False`` skips the per-user rate for files the application made itself."""
    if rate:
        check_rate(user, programme_id)
    used = used_bytes(programme_id)
    stored = save_bytes(data, name, plugin=PLUGIN, programme=programme_id, user=user,
                        allowed=ALLOWED, max_bytes=max_file_bytes(programme_id))
    _check_quota(stored, used, programme_id)
    return stored


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
