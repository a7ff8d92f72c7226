"""Removing stored files no template or document version refers to any more.

That happens when a whole mentoring group or activity is deleted: the database
removes the plugin's rows, but the core deletes no file bytes for plugins.
"""

from __future__ import annotations

from core.extensions import db
from core.models import StoredFile
from core.storage import delete
from plugins.documents.models import DocTemplate, DocumentVersion
from plugins.documents.services.uploads import PLUGIN


def orphan_files() -> list[StoredFile]:
    """The plugin's committed stored files that nothing refers to."""
    used = db.select(DocumentVersion.stored_file_id).union(db.select(DocTemplate.stored_file_id))
    return list(db.session.execute(
        db.select(StoredFile).where(StoredFile.plugin == PLUGIN, StoredFile.id.not_in(used))
        .order_by(StoredFile.id)
    ).scalars())


def remove_orphans() -> int:
    """Delete the rows and bytes of orphaned files; return how many there were."""
    files = orphan_files()
    for stored in files:
        delete(stored)
    db.session.commit()
    return len(files)
