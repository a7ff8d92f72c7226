"""Removing orphaned bytes from the file store.

Every file is written as ``.upload-*`` in the store's top folder and renamed to
``<key[:2]>/<key[2:4]>/<key>`` once complete; its ``stored_file`` row is committed
right after, with whatever it belongs to. So a temporary file is an upload that
never finished, and a stored file without a row is one whose transaction never
committed (the process was killed in between). Both are removed once older than a
safe age, so that uploads in progress are never touched. Safe to run at any time,
from ``ementoring storage sweep``, at start-up or from a scheduler.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from core.extensions import db
from core.models import StoredFile
from core.storage import TEMP_PREFIX, store_root

log = logging.getLogger("ementoring.storage")
_KEY = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Orphan:
    """A file the sweep removes: where it is, why, and its size."""

    path: Path
    reason: str  # "unfinished upload" or "no database row"
    size: int


def orphans(min_age_minutes: int | None = None) -> list[Orphan]:
    """Files of the store older than ``min_age_minutes`` (default: the
    ``STORAGE_SWEEP_AGE_MINUTES`` setting) that are unfinished uploads or have no row."""
    if min_age_minutes is None:
        min_age_minutes = int(current_app.config["STORAGE_SWEEP_AGE_MINUTES"])
    cutoff = time.time() - min_age_minutes * 60
    root = store_root()
    found: list[Orphan] = []
    candidates: list[tuple[Path, int]] = []
    for path in root.glob(TEMP_PREFIX + "*"):
        stat = path.stat()
        if path.is_file() and stat.st_mtime <= cutoff:
            found.append(Orphan(path, "unfinished upload", stat.st_size))
    for path in root.glob("??/??/*"):
        key = path.name
        if not (_KEY.fullmatch(key) and path.parent.name == key[2:4]
                and path.parent.parent.name == key[:2] and path.is_file()):
            continue
        stat = path.stat()
        if stat.st_mtime <= cutoff:
            candidates.append((path, stat.st_size))
    # rows are read after the files were listed: a file committed meanwhile is kept
    known = _known_keys([p.name for p, _s in candidates])
    found += [Orphan(p, "no database row", size) for p, size in candidates if p.name not in known]
    return found


def _known_keys(keys: list[str]) -> set[str]:
    """Which of ``keys`` have a ``stored_file`` row."""
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        known.update(db.session.scalars(
            db.select(StoredFile.storage_key).where(StoredFile.storage_key.in_(chunk))))
    return known


def sweep(min_age_minutes: int | None = None, dry_run: bool = False) -> list[Orphan]:
    """Remove (unless ``dry_run``) and return the orphaned files; see ``orphans``."""
    found = orphans(min_age_minutes)
    if dry_run:
        return found
    for orphan in found:
        try:
            orphan.path.unlink()
        except FileNotFoundError:
            continue
        log.info("storage sweep: removed path=%s reason=%s bytes=%s",
                 orphan.path, orphan.reason.replace(" ", "_"), orphan.size)
    return found
