"""Removing lesson images that no lesson uses any more."""

from __future__ import annotations

from core import storage
from core.extensions import db
from core.models import StoredFile
from plugins.lessons.models import Image


def prune_images() -> int:
    """Delete stored lesson images no lesson refers to (left by deleted lessons);
    return how many there were."""
    orphans = db.session.scalars(db.select(StoredFile).where(
        StoredFile.plugin == "lessons", StoredFile.id.not_in(db.select(Image.file_id)))).all()
    for stored in orphans:
        db.session.delete(stored)
    db.session.commit()
    storage.discard(orphans)  # the bytes go only once the rows are gone for good
    return len(orphans)
