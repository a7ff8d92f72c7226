"""Which templates each group has fulfilled: missing, uploaded or signed, with who and when.

Every function here issues a fixed number of queries, whatever the number of
groups, templates or documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from core.extensions import db
from plugins.documents.models import DocTemplate, Document, DocumentVersion

MISSING, UPLOADED, SIGNED = "missing", "uploaded", "signed"


@dataclass
class Item:
    """The state of one template for one group."""

    template: DocTemplate
    state: str = MISSING
    document: Document | None = None
    version: DocumentVersion | None = None
    signed: DocumentVersion | None = None

    @property
    def complete(self) -> bool:
        """Uploaded, and signed when the template needs a signature."""
        if self.template.needs_signature:
            return self.state == SIGNED
        return self.state != MISSING

    def missing_text(self) -> str | None:
        """A short text naming what is still missing, or None."""
        if self.state == MISSING:
            return self.template.title
        if self.template.needs_signature and self.state != SIGNED:
            return _("%(title)s (signed copy)", title=self.template.title)
        return None


@cache
def _templates_statement(mandatory_only: bool) -> Any:
    """A programme's templates with their folders and files (built once per process)."""
    stmt = (
        db.select(DocTemplate)
        .where(DocTemplate.programme_id == bindparam("pid"))
        .options(joinedload(DocTemplate.folder), joinedload(DocTemplate.file))
        .order_by(DocTemplate.activity_id, DocTemplate.position, DocTemplate.id)
    )
    if mandatory_only:
        stmt = stmt.where(DocTemplate.mandatory.is_(True))
    return stmt


def templates_of(programme_id: int, *, mandatory_only: bool = False) -> list[DocTemplate]:
    """The programme's templates in library order, with their folders loaded."""
    return list(db.session.execute(_templates_statement(mandatory_only),
                                   {"pid": programme_id}).unique().scalars())


@cache
def _documents_statement() -> Any:
    """The live documents of some groups made from some templates, with their versions,
    files and uploaders, in one statement (built once per process)."""
    return (
        db.select(Document)
        .where(Document.programme_id == bindparam("pid"),
               Document.group_id.in_(bindparam("groups", expanding=True)),
               Document.template_id.in_(bindparam("templates", expanding=True)),
               Document.deleted_at.is_(None))
        .options(joinedload(Document.versions).joinedload(DocumentVersion.file),
                 joinedload(Document.versions).joinedload(DocumentVersion.uploaded_by))
        .order_by(Document.id)
    )


def states(programme_id: int, group_ids: Iterable[int],
           templates: list[DocTemplate] | None = None) -> dict[int, list[Item]]:
    """``{group_id: [Item per template]}`` for the given groups (all templates by default)."""
    group_ids = list(group_ids)
    if templates is None:
        templates = templates_of(programme_id)
    result: dict[int, list[Item]] = {}
    if not group_ids:
        return result
    docs: list[Document] = []
    if templates:
        docs = list(db.session.execute(_documents_statement(), {
            "pid": programme_id, "groups": group_ids, "templates": [t.id for t in templates],
        }).unique().scalars())
    by_key: dict[tuple[int, int], list[Document]] = {}
    for doc in docs:  # doc.template comes from the identity map, loaded above
        by_key.setdefault((doc.group_id, doc.template_id), []).append(doc)
    for gid in group_ids:
        items = []
        for t in templates:
            item = Item(template=t)
            for doc in by_key.get((gid, t.id), []):
                _merge(item, doc)
            items.append(item)
        result[gid] = items
    return result


def _merge(item: Item, doc: Document) -> None:
    """Let a document of the item's template improve the item's state."""
    version = doc.current
    if version is None:
        return
    if item.version is None or version.created_at >= item.version.created_at:
        item.document, item.version = doc, version
    signed = doc.signed_version
    if signed is not None and (item.signed is None or signed.created_at >= item.signed.created_at):
        item.signed = signed
        item.document = doc
    item.state = SIGNED if item.signed else UPLOADED


def summary(programme_id: int, groups: Iterable[Any]) -> dict[int, dict[str, int]]:
    """Figures per group: ``missing_documents`` (texts naming what is missing, the key
    the ``group_summary`` hook documents), and counts of mandatory, complete and
    missing documents."""
    groups = list(groups)
    templates = templates_of(programme_id, mandatory_only=True)
    table = states(programme_id, [g.id for g in groups], templates)
    out = {}
    for gid, items in table.items():
        done = sum(1 for i in items if i.complete)
        out[gid] = {"missing_documents": [t for t in (i.missing_text() for i in items) if t],
                    "documents_mandatory": len(items), "documents_complete": done,
                    "documents_missing": len(items) - done}
    return out
