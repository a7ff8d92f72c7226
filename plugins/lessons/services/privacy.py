"""What the lessons plugin exports and erases for a person."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from core.models import Activity
from plugins.lessons.models import Chapter, JournalEntry, Page, PageRead


def export(user: Any) -> dict[str, Any]:
    """The pages the person read and their whole journal, as JSON-able data."""
    reads = db.session.execute(
        db.select(PageRead.read_at, Page.title, Chapter.title, Activity.title)
        .join(Page, Page.id == PageRead.page_id).join(Chapter, Chapter.id == Page.chapter_id)
        .join(Activity, Activity.id == Chapter.activity_id)
        .where(PageRead.user_id == user.id).order_by(PageRead.read_at)
    ).all()
    entries = db.session.execute(
        db.select(JournalEntry, Activity.title).join(Activity,
                                                     Activity.id == JournalEntry.activity_id)
        .where(JournalEntry.user_id == user.id).order_by(JournalEntry.id)
    ).all()
    return {
        "pages_read": [{"lesson": lesson, "chapter": chapter, "page": page,
                        "read_at": at.isoformat()} for at, page, chapter, lesson in reads],
        "journal": [{"lesson": title, "chapter": e.chapter_title, "question": e.question_text,
                     "answer": e.answer_source, "shared_with_mentor": e.shared_with_mentor,
                     "created_at": e.created_at.isoformat(),
                     "updated_at": e.updated_at.isoformat()} for e, title in entries],
    }


def erase(user: Any) -> None:
    """Delete the person's reading record and journal: nobody else needs them."""
    db.session.execute(db.delete(PageRead).where(PageRead.user_id == user.id))
    db.session.execute(db.delete(JournalEntry).where(JournalEntry.user_id == user.id))
