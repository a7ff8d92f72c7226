"""Template library operations: folders of a programme, publishing and the default set."""

from __future__ import annotations

from typing import Any

from core.events import emit
from core.extensions import db
from core.models import Activity, Section
from core.text import render_markdown
from plugins.documents.models import DocTemplate
from plugins.documents.services.default_set import DEFAULT_SET
from plugins.documents.services.docx_builder import build_docx
from plugins.documents.services.uploads import committing, store_bytes

LIBRARY = "documents.library"
FOLDER = "documents.folder"


def folders_of(programme_id: int, *, visible_only: bool = False) -> list[Activity]:
    """The programme's upload-folder activities in course order."""
    stmt = (
        db.select(Activity).join(Section, Section.id == Activity.section_id)
        .where(Activity.programme_id == programme_id, Activity.type == FOLDER)
        .order_by(Section.position, Activity.position, Activity.id)
    )
    if visible_only:
        stmt = stmt.where(Activity.visible.is_(True), Section.visible.is_(True))
    return list(db.session.execute(stmt).scalars())


def libraries_of(programme_id: int) -> list[Activity]:
    """The programme's template-library activities in course order."""
    return list(db.session.execute(
        db.select(Activity).join(Section, Section.id == Activity.section_id)
        .where(Activity.programme_id == programme_id, Activity.type == LIBRARY)
        .order_by(Section.position, Activity.position, Activity.id)
    ).scalars())


def templates_in(library: Activity) -> list[DocTemplate]:
    """A library's templates in their order."""
    return list(db.session.execute(
        db.select(DocTemplate).where(DocTemplate.activity_id == library.id)
        .order_by(DocTemplate.position, DocTemplate.id)
    ).scalars())


def toolbar_folders(programme_id: int) -> dict[str, Activity | None]:
    """Guess which folder is the managing and which the monitoring toolbar.

    A folder whose title mentions monitoring is the monitoring toolbar; the
    first other folder is the managing one. With a single folder both are it.
    """
    folders = folders_of(programme_id)
    monitoring = next((f for f in folders if "monitor" in f.title.lower()), None)
    managing = next((f for f in folders if f is not monitoring), None)
    return {"managing": managing or monitoring, "monitoring": monitoring or managing}


def install_default_set(library: Activity, user: Any) -> list[DocTemplate]:
    """Add the default templates the library does not have yet (matched by title);
    return the new ones, committed. Files are written with python-docx."""
    existing = {t.title.lower() for t in templates_in(library)}
    folders = toolbar_folders(library.programme_id)
    position = len(existing)
    created: list[DocTemplate] = []
    stored: list[Any] = []
    with committing(stored):
        for spec in DEFAULT_SET:
            if spec.title.lower() in existing:
                continue
            folder = folders[spec.toolbar]
            footer = (f"Template from the library. The filled-in copy belongs in "
                      f"“{folder.title}”." if folder else "Template from the library.")
            data = build_docx(spec.title, list(spec.blocks), footer=footer)
            sf = store_bytes(data, spec.filename, programme_id=library.programme_id,
                             user=user, rate=False)
            stored.append(sf)
            template = DocTemplate(
                programme_id=library.programme_id, activity_id=library.id, title=spec.title,
                description_source=spec.description,
                description_html=render_markdown(spec.description),
                filled_by=spec.filled_by, mandatory=spec.mandatory,
                needs_signature=spec.needs_signature, folder_id=folder.id if folder else None,
                file=sf, position=position, created_by_id=getattr(user, "id", None),
            )
            position += 1
            db.session.add(template)
            created.append(template)
        if created:
            db.session.flush()
            emit("templates_installed", actor=user, programme=library.programme_id,
                 obj=library, data={"count": len(created)})
    return created
