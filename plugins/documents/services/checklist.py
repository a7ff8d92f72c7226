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
    """Some programmes' templates with their folders and files (built once per
    process)."""
    stmt = (
        db.select(DocTemplate)
        .where(DocTemplate.programme_id.in_(bindparam("pids", expanding=True)))
        .options(joinedload(DocTemplate.folder), joinedload(DocTemplate.file))
        .order_by(DocTemplate.activity_id, DocTemplate.position, DocTemplate.id)
    )
    if mandatory_only:
        stmt = stmt.where(DocTemplate.mandatory.is_(True))
    return stmt


def templates_of(programme_id: int, *, mandatory_only: bool = False) -> list[DocTemplate]:
    """The programme's templates in library order, with their folders loaded."""
    return templates_in([programme_id], mandatory_only=mandatory_only)[programme_id]


def templates_in(programme_ids: Iterable[int], *, mandatory_only: bool = False
                 ) -> dict[int, list[DocTemplate]]:
    """``templates_of`` for several programmes, keyed by programme id (one query)."""
    out: dict[int, list[DocTemplate]] = {pid: [] for pid in programme_ids}
    for t in db.session.execute(_templates_statement(mandatory_only),
                                {"pids": list(out) or [-1]}).unique().scalars():
        out[t.programme_id].append(t)
    return out


@cache
def _documents_statement() -> Any:
    """The live documents of some groups made from some templates, with their versions,
    files and uploaders, in one statement (built once per process)."""
    return (
        db.select(Document)
        .where(Document.group_id.in_(bindparam("groups", expanding=True)),
               Document.template_id.in_(bindparam("templates", expanding=True)),
               Document.deleted_at.is_(None))
        .options(joinedload(Document.versions).joinedload(DocumentVersion.file),
                 joinedload(Document.versions).joinedload(DocumentVersion.uploaded_by))
        .order_by(Document.id)
    )


def states(programme_id: int, group_ids: Iterable[int],
           templates: list[DocTemplate] | None = None) -> dict[int, list[Item]]:
    """``{group_id: [Item per template]}`` for the given groups (all templates by default)."""
    if templates is None:
        templates = templates_of(programme_id)
    return states_in({gid: templates for gid in group_ids})


def states_in(templates_by_group: dict[int, list[DocTemplate]]) -> dict[int, list[Item]]:
    """``states`` of groups of any programmes, each group with its own templates, in one
    query."""
    template_ids = sorted({t.id for ts in templates_by_group.values() for t in ts})
    docs: list[Document] = []
    if templates_by_group and template_ids:
        docs = list(db.session.execute(_documents_statement(), {
            "groups": list(templates_by_group), "templates": template_ids,
        }).unique().scalars())
    by_key: dict[tuple[int, int], list[Document]] = {}
    for doc in docs:  # doc.template comes from the identity map, loaded above
        by_key.setdefault((doc.group_id, doc.template_id), []).append(doc)
    result: dict[int, list[Item]] = {}
    for gid, templates in templates_by_group.items():
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
