"""What the documents plugin stores about a person, for export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from core.declarations import UserData
from core.extensions import db
from plugins.documents.models import DocTemplate, Document, DocumentVersion


def export(user: Any) -> UserData | None:
    """Templates the user published and document versions they uploaded or sent in."""
    templates = db.session.execute(
        db.select(DocTemplate).where(DocTemplate.created_by_id == user.id)
        .options(joinedload(DocTemplate.file))
    ).scalars().all()
    versions = db.session.execute(
        db.select(DocumentVersion)
        .where(or_(DocumentVersion.uploaded_by_id == user.id,
                   DocumentVersion.filed_from_user_id == user.id))
        .options(joinedload(DocumentVersion.file),
                 joinedload(DocumentVersion.document).joinedload(Document.group))
        .order_by(DocumentVersion.id)
    ).scalars().all()
    if not templates and not versions:
        return None
    return UserData(
        plugin="documents",
        records={
            "templates_published": [
                {"title": t.title, "file": t.file.original_name,
                 "created_at": t.created_at.isoformat()} for t in templates
            ],
            "document_versions": [
                {"document": v.document.title, "group": v.document.group.name,
                 "version": v.number, "file": v.file.original_name, "note": v.note,
                 "uploaded_by_me": v.uploaded_by_id == user.id,
                 "sent_by_me": v.filed_from_user_id == user.id,
                 "created_at": v.created_at.isoformat()} for v in versions
            ],
        },
        files=[t.file for t in templates] + [v.file for v in versions],
    )
