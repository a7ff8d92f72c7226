"""The kept versions of lesson pages, one for every save, like the session plan's."""

from __future__ import annotations

from typing import Any

from flask import abort

from core.extensions import db
from plugins.lessons.models import Page, PageRevision


def _last_number(page: Page) -> int:
    return db.session.scalar(
        db.select(db.func.max(PageRevision.number)).where(PageRevision.page_id == page.id)
    ) or 0


def record(page: Page, actor: Any = None) -> PageRevision:
    """Keep the page as it now stands as its next revision."""
    db.session.flush()
    revision = PageRevision(page_id=page.id, number=_last_number(page) + 1, title=page.title,
                            body_source=page.body_source, body_html=page.body_html,
                            created_by_id=getattr(actor, "id", actor))
    db.session.add(revision)
    return revision


def keep_first(page: Page) -> None:
    """Before the first edit of a page written before revisions were kept, keep the
    text it had as revision 1."""
    if _last_number(page) == 0:
        record(page)


def revisions_of(page: Page) -> list[PageRevision]:
    """A page's revisions, newest first, with their authors."""
    return list(db.session.scalars(
        db.select(PageRevision).where(PageRevision.page_id == page.id)
        .options(db.joinedload(PageRevision.created_by)).order_by(PageRevision.number.desc())
    ))


def revision_or_404(page: Page, number: int) -> PageRevision:
    """One revision of a page, or 404."""
    revision = db.session.scalar(
        db.select(PageRevision).where(PageRevision.page_id == page.id,
                                      PageRevision.number == number))
    if revision is None:
        abort(404)
    return revision
