"""One page of a discussion, ready to show: posts loaded as plain rows with their
authors, attachments and edit counts in a constant number of queries, and every
per-post word and link worked out here rather than in the template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.models import Activity, User
from core.views.helpers import paginate
from plugins.forum.access import PostRights, post_rights
from plugins.forum.models import Attachment, Discussion, Post
from plugins.forum.services.reading import posts_per_page

_MARK = 987654321


@dataclass(slots=True)
class PostView:
    """What the discussion page shows of one post."""

    id: int
    author: str
    created: str
    created_text: str
    unread: bool
    deleted: bool
    body_html: Markup
    reply_note: str | None
    edited_note: str | None
    attachments: list[tuple[Any, str]]
    may: PostRights
    quote_url: str
    edit_url: str
    delete_url: str
    history_url: str | None
    parent_url: str | None
    label: str


def _minutes(moment: datetime) -> str:
    return moment.isoformat(" ", "minutes")


def _patterns(activity: Activity, discussion: Discussion) -> dict[str, str]:
    """Per-post addresses with ``{}`` where the id goes, each built by ``url_for`` once."""
    urls = {name: url_for(f"forum.{name}", activity_id=activity.id, post_id=_MARK)
            for name in ("post_link", "edit", "delete", "history")}
    urls["quote"] = url_for("forum.reply", activity_id=activity.id,
                            discussion_id=discussion.id, quote=_MARK)
    urls["download"] = url_for("forum.download", activity_id=activity.id,
                               attachment_id=_MARK)
    return {k: v.replace(str(_MARK), "{}") for k, v in urls.items()}


@cache
def _statements() -> tuple[Any, Any]:
    """The posts and the attachments of a span of a discussion; built once, as
    building a statement costs more than running it."""
    span = (Post.discussion_id == bindparam("did"), Post.id >= bindparam("first"),
            Post.id <= bindparam("last"))
    rows = (db.select(Post.id, Post.parent_id, Post.author_id, Post.body_html, Post.created_at,
                      Post.edited_at, Post.deleted_at, Post.edit_count)
            .where(*span).order_by(Post.id))
    files = (db.select(Attachment).join(Post, Post.id == Attachment.post_id).where(*span)
             .options(joinedload(Attachment.file))
             .order_by(Attachment.post_id, Attachment.position))
    return rows, files


@cache
def _names_statement() -> Any:
    return db.select(User.id, User.display_name, User.erased).where(
        User.id.in_(bindparam("ids", expanding=True)))


def _names(user_ids: set[int]) -> dict[int, str]:
    """Names to show for these users ("deleted user" for erased accounts)."""
    if not user_ids:
        return {}
    nobody = _("deleted user")
    rows = db.session.execute(_names_statement(), {"ids": list(user_ids)})
    return {uid: nobody if erased else name for uid, name, erased in rows}


def thread_page(activity: Activity, discussion: Discussion, user: Any,
                seen: int) -> tuple[Any, list[PostView]]:
    """The pagination object (its items are post ids) and the posts of this page."""
    page = paginate(db.select(Post.id).where(Post.discussion_id == discussion.id)
                    .order_by(Post.id), per_page=posts_per_page())
    ids = list(page.items)
    if not ids:
        return page, []
    # the page's posts are those of the discussion between its first and last id
    span = {"did": discussion.id, "first": ids[0], "last": ids[-1]}
    rows_stmt, files_stmt = _statements()
    rows = db.session.execute(rows_stmt, span).all()
    files: dict[int, list[Attachment]] = {}
    for att in db.session.scalars(files_stmt, span):
        files.setdefault(att.post_id, []).append(att)
    on_page = {r.id: r.author_id for r in rows}
    parents_elsewhere = {r.parent_id for r in rows if r.parent_id and r.parent_id not in on_page}
    if parents_elsewhere:
        on_page.update(db.session.execute(
            db.select(Post.id, Post.author_id).where(Post.id.in_(parents_elsewhere))).all())
    names = _names({a for a in on_page.values() if a})
    rights = post_rights(activity, discussion.group_id, rows)
    urls = _patterns(activity, discussion)
    # translated once per page, filled in per post
    nobody, post_n, in_reply = _("deleted user"), _("post %(n)d"), _("in reply to %(name)s")
    edited_texts: dict[int, str] = {}
    me = user.id
    views = []
    for r in rows:
        author = names.get(r.author_id, nobody)
        edited = None
        if r.edit_count:
            if r.edit_count not in edited_texts:
                edited_texts[r.edit_count] = ngettext("edited once", "edited %(num)d times",
                                                      r.edit_count)
            edited = edited_texts[r.edit_count]
            if r.edited_at:
                edited += f" ({_minutes(r.edited_at)})"
        may = rights[r.id]
        views.append(PostView(
            id=r.id, author=author, created=r.created_at.isoformat(),
            created_text=_minutes(r.created_at), unread=r.id > seen and r.author_id != me,
            deleted=r.deleted_at is not None, body_html=Markup(r.body_html),
            reply_note=in_reply % {"name": names.get(on_page.get(r.parent_id), nobody)}
            if r.parent_id else None,
            edited_note=edited, may=may,
            attachments=[(a.file, urls["download"].format(a.id)) for a in files.get(r.id, ())],
            quote_url=urls["quote"].format(r.id),
            edit_url=urls["edit"].format(r.id) if may.edit else "",
            delete_url=urls["delete"].format(r.id) if may.delete else "",
            history_url=urls["history"].format(r.id) if may.history and r.edit_count else None,
            parent_url=urls["post_link"].format(r.parent_id) if r.parent_id else None,
            label=post_n % {"n": r.id},
        ))
    return page, views
