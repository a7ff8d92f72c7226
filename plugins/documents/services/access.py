"""Who may read a file the documents plugin stored (the ``can_read_file`` hook)."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from core.models import Activity
from core.permissions import can, visible_group_ids
from plugins.documents.models import DocTemplate, Document, DocumentVersion


def _activity_open(user: Any, activity: Activity) -> bool:
    return activity.visible or can(user, "core.manage_course", activity.programme_id)


def may_read_file(user: Any, stored_file: Any) -> bool:
    """Whether ``user`` may download ``stored_file``: a version of a document in a
    group folder they may see (trashed ones: who may restore), or a template of a
    library they may open."""
    found = db.session.execute(
        db.select(Document, Activity)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .join(Activity, Activity.id == Document.activity_id)
        .where(DocumentVersion.stored_file_id == stored_file.id).limit(1)
    ).first()
    if found is not None:
        doc, activity = found
        pid = activity.programme_id
        visible = visible_group_ids(user, pid)
        if (visible is not None and doc.group_id not in visible) or \
                not _activity_open(user, activity) or \
                not can(user, "documents.view", pid, doc.group_id):
            return False
        if doc.deleted_at is not None:
            return can(user, "documents.restore", pid, doc.group_id)
        return True
    activity = db.session.scalar(
        db.select(Activity).join(DocTemplate, DocTemplate.activity_id == Activity.id)
        .where(DocTemplate.stored_file_id == stored_file.id).limit(1))
    return activity is not None and _activity_open(user, activity) and \
        can(user, "documents.view", activity.programme_id)
