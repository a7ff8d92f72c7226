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

from core.extensions import db
from core.models import Activity, StoredFile, User
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
    """The posts (with their authors' names) and the attachments of a span of a
    discussion; built once, as building a statement costs more than running it."""
    span = (Post.discussion_id == bindparam("did"), Post.id >= bindparam("first"),
            Post.id <= bindparam("last"))
    rows = (db.select(Post.id, Post.parent_id, Post.author_id, Post.body_html, Post.created_at,
                      Post.edited_at, Post.deleted_at, Post.edit_count, User.display_name,
                      User.erased)
            .outerjoin(User, User.id == Post.author_id)
            .where(*span).order_by(Post.id))
    files = (db.select(Attachment.post_id, Attachment.id, StoredFile)
             .join(StoredFile, StoredFile.id == Attachment.stored_file_id)
             .join(Post, Post.id == Attachment.post_id).where(*span)
             .order_by(Attachment.post_id, Attachment.position))
    return rows, files


@cache
def _authors_statement() -> Any:
    """The authors' names of some posts (replied-to posts on other pages)."""
    return (db.select(Post.id, User.display_name, User.erased)
            .outerjoin(User, User.id == Post.author_id)
            .where(Post.id.in_(bindparam("ids", expanding=True))))


def thread_page(activity: Activity, discussion: Discussion, user: Any,
                seen: int) -> tuple[Any, list[PostView]]:
    """The pagination object (its items are post ids) and the posts of this page."""
    page = paginate(db.select(Post.id).where(Post.discussion_id == discussion.id)
                    .order_by(Post.id), per_page=posts_per_page(), count_with_items=True)
    ids = page.items
    if not ids:
        return page, []
    # the page's posts are those of the discussion between its first and last id
    span = {"did": discussion.id, "first": ids[0], "last": ids[-1]}
    rows_stmt, files_stmt = _statements()
    rows = db.session.execute(rows_stmt, span).all()
    urls = _patterns(activity, discussion)
    files: dict[int, list[tuple[StoredFile, str]]] = {}
    download_url = urls["download"]
    for post_id, attachment_id, stored in db.session.execute(files_stmt, span):
        files.setdefault(post_id, []).append((stored, download_url.format(attachment_id)))
    # translated once per page, filled in per post
    nobody, post_n, in_reply = _("deleted user"), _("post %(n)d"), _("in reply to %(name)s")

    def shown(name: str | None, erased: bool) -> str:
        # "deleted user" for erased accounts and authors gone
        return nobody if erased or name is None else name

    # who wrote each post of the page, and each post replied to
    wrote = {r.id: shown(r.display_name, r.erased) for r in rows}
    elsewhere = {r.parent_id for r in rows if r.parent_id and r.parent_id not in wrote}
    if elsewhere:
        wrote.update((pid, shown(name, erased)) for pid, name, erased in db.session.execute(
            _authors_statement(), {"ids": list(elsewhere)}))
    rights = post_rights(activity, discussion.group_id, rows)
    quote_url, edit_url, delete_url = urls["quote"], urls["edit"], urls["delete"]
    history_url, link_url = urls["history"], urls["post_link"]
    edited_texts: dict[int, str] = {}
    me = user.id
    views = []
    add = views.append
    for (pid, parent_id, author_id, body_html, created_at, edited_at, deleted_at, edit_count,
         _name, _erased) in rows:
        edited = None
        if edit_count:
            edited = edited_texts.get(edit_count)
            if edited is None:
                edited = edited_texts[edit_count] = ngettext(
                    "edited once", "edited %(num)d times", edit_count)
            if edited_at:
                edited += f" ({_minutes(edited_at)})"
        may = rights[pid]
        add(PostView(
            id=pid, author=wrote[pid], created=created_at.isoformat(),
            created_text=_minutes(created_at), unread=pid > seen and author_id != me,
            deleted=deleted_at is not None, body_html=Markup(body_html),
            reply_note=in_reply % {"name": wrote.get(parent_id, nobody)}
            if parent_id else None,
            edited_note=edited, may=may,
            attachments=files.get(pid, []),
            quote_url=quote_url.format(pid),
            edit_url=edit_url.format(pid) if may.edit else "",
            delete_url=delete_url.format(pid) if may.delete else "",
            history_url=history_url.format(pid) if may.history and edit_count else None,
            parent_url=link_url.format(parent_id) if parent_id else None,
            label=post_n % {"n": pid},
        ))
    return page, views
