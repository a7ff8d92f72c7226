"""Removing attachment files that no post refers to any more.

That happens when a forum or a mentoring group is deleted: the database removes
the discussions, posts and attachment rows, but the core deletes no file bytes
for plugins.
"""

from __future__ import annotations

from core.extensions import db
from core.models import StoredFile
from core.storage import delete
from plugins.forum.models import Attachment

PLUGIN = "forum"


def remove_orphans(programme_id: int) -> int:
    """Delete the rows and bytes of the programme's forum files that no attachment
    refers to; return how many there were."""
    files = db.session.scalars(
        db.select(StoredFile).where(
            StoredFile.plugin == PLUGIN, StoredFile.programme_id == programme_id,
            StoredFile.id.not_in(db.select(Attachment.stored_file_id)))
    ).all()
    for stored in files:
        delete(stored)
    db.session.commit()
    return len(files)
