"""Creating worksheets outside the pages (demo data) and the privacy contract."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from core.models import utcnow
from core.text import render_markdown
from core.worksheets.schema import Schema


def create_worksheet(model: type, schema: Schema, group: Any, mentee: Any, data: dict[str, Any],
                     *, session: Any = None, submitted: bool = False) -> Any:
    """Add a mentee's worksheet with its answers (flushed, not committed)."""
    ws = model(programme_id=group.programme_id, group_id=group.id,
               session_id=getattr(session, "id", session), mentee_id=mentee.id,
               schema=schema.name, data=data, status="submitted" if submitted else "draft",
               submitted_at=utcnow() if submitted else None)
    db.session.add(ws)
    db.session.flush()
    return ws


def add_comment(ws: Any, comment_model: type, author: Any, body: str, field: str = "") -> Any:
    """Add a mentor's comment to a worksheet (flushed, not committed)."""
    comment = comment_model(author_id=author.id, field=field, body_source=body,
                            body_html=render_markdown(body))
    ws.comments.append(comment)
    db.session.flush()
    return comment


def export_worksheets(model: type, comment_model: type, user: Any) -> dict[str, Any] | None:
    """The user's worksheets with the comments on them, and the comments they wrote."""
    own = db.session.execute(
        db.select(model).where(model.mentee_id == user.id).order_by(model.id)
    ).scalars().all()
    written = db.session.execute(
        db.select(comment_model).where(comment_model.author_id == user.id)
        .order_by(comment_model.id)
    ).scalars().all()
    if not own and not written:
        return None
    return {
        "worksheets": [
            {"worksheet": w.schema, "status": w.status, "answers": w.data,
             "created_at": w.created_at.isoformat(), "updated_at": w.updated_at.isoformat(),
             "comments": [{"author": c.author.name if c.author else None, "field": c.field,
                           "comment": c.body_source} for c in w.comments]}
            for w in own
        ],
        "comments_written": [
            {"worksheet_id": c.worksheet_id, "field": c.field, "comment": c.body_source,
             "at": c.created_at.isoformat()} for c in written
        ],
    }


def erase_worksheets(model: type, comment_model: type, user: Any) -> None:
    """Delete the user's own worksheets (personal answers such as a CV) with their
    comments; comments the user wrote on others' worksheets stay, shown as by a
    deleted user."""
    ids = db.session.execute(
        db.select(model.id).where(model.mentee_id == user.id)).scalars().all()
    if ids:
        db.session.execute(db.delete(comment_model).where(comment_model.worksheet_id.in_(ids)))
        db.session.execute(db.delete(model).where(model.id.in_(ids)))
