"""Documents in a group's folder: versions, trash and the zip of the whole folder."""

from __future__ import annotations

import tempfile
import zipfile
from typing import IO, Any

from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from core.models import utcnow
from core.storage import path_of
from plugins.documents.models import Document, DocumentVersion


def _with_versions(stmt: Any) -> Any:
    return stmt.options(
        selectinload(Document.versions).joinedload(DocumentVersion.file),
        selectinload(Document.versions).joinedload(DocumentVersion.uploaded_by),
        selectinload(Document.versions).joinedload(DocumentVersion.filed_from_user),
        joinedload(Document.template),
        joinedload(Document.deleted_by),
    )


def documents_query(activity_id: int, group_id: int, *, trash: bool = False) -> Any:
    """A select of a group's documents in a folder (or of its trash), versions eager."""
    stmt = db.select(Document).where(Document.activity_id == activity_id,
                                     Document.group_id == group_id)
    if trash:
        stmt = stmt.where(Document.deleted_at.is_not(None)).order_by(Document.deleted_at.desc())
    else:
        stmt = stmt.where(Document.deleted_at.is_(None)).order_by(Document.title, Document.id)
    return _with_versions(stmt)


def trash_count(activity_id: int, group_id: int) -> int:
    """How many of the group's documents in this folder are in the trash."""
    return db.session.scalar(
        db.select(db.func.count(Document.id)).where(
            Document.activity_id == activity_id, Document.group_id == group_id,
            Document.deleted_at.is_not(None))
    ) or 0


def open_document_for(activity_id: int, group_id: int, template_id: int) -> Document | None:
    """The group's newest document in this folder that fulfils the template, if any."""
    return db.session.scalar(
        db.select(Document).where(
            Document.activity_id == activity_id, Document.group_id == group_id,
            Document.template_id == template_id, Document.deleted_at.is_(None),
        ).order_by(Document.id.desc()).limit(1)
    )


def title_from_name(name: str) -> str:
    """A readable document title from a file name."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem.replace("_", " ").strip()[:200] or name[:200]


def add_version(document: Document, stored: Any, user: Any, note: str = "",
                filed_from: Any = None) -> DocumentVersion:
    """Add a new version (the next number) holding ``stored`` to a document."""
    number = max((v.number for v in document.versions), default=0) + 1
    version = DocumentVersion(
        document=document, number=number, file=stored, uploaded_by_id=user.id,
        note=(note or "").strip()[:500],
        filed_from_file_id=getattr(filed_from, "id", None),
        filed_from_user_id=getattr(filed_from, "uploaded_by_id", None),
    )
    db.session.add(version)
    return version


def new_document(activity: Any, group_id: int, *, title: str, template: Any, user: Any) -> Document:
    """Create an empty document in a group's folder; add a version next."""
    doc = Document(programme_id=activity.programme_id, activity_id=activity.id,
                   group_id=group_id, template_id=getattr(template, "id", None),
                   title=title.strip()[:200], created_by_id=user.id)
    db.session.add(doc)
    return doc


def move_to_trash(document: Document, user: Any) -> None:
    """Put a document in the trash; its versions and files stay."""
    document.deleted_at = utcnow()
    document.deleted_by_id = user.id


def restore(document: Document) -> None:
    """Take a document out of the trash."""
    document.deleted_at = None
    document.deleted_by_id = None


def _unique(name: str, taken: set[str]) -> str:
    if name.lower() not in taken:
        taken.add(name.lower())
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        if candidate.lower() not in taken:
            taken.add(candidate.lower())
            return candidate
        n += 1


def zip_current_versions(documents: list[Document]) -> IO[bytes]:
    """A zip holding the newest version of each document under its original name.

    Written to an anonymous temporary file (gone once closed, never left on disk).
    """
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    taken: set[str] = set()
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as zf:
        for doc in documents:
            version = doc.current
            if version is None:
                continue
            zf.write(path_of(version.file), _unique(version.file.original_name, taken))
    spool.seek(0)
    return spool
