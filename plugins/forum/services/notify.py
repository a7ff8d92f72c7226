"""Mail about new posts: at once after the commit, or queued for the daily digest;
signed one-click unsubscribe links."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from core.mail import send_mail
from core.models import User
from plugins.forum.models import Attachment, DigestItem, Discussion, Post, Preference
from plugins.forum.services.subscriptions import DISCUSSION, recipients

log = logging.getLogger("ementoring.forum")
SALT = "forum-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, activity_id: int, discussion_id: int | None) -> str:
    """A token that lets its holder stop one subscription of one user, without login."""
    return _serializer().dumps([user_id, activity_id, discussion_id or 0])


def read_unsubscribe_token(token: str) -> tuple[int, int, int | None] | None:
    """(user id, activity id, discussion id or None) of a valid token, else None."""
    try:
        uid, aid, did = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(uid), int(aid), (int(did) or None)


@contextmanager
def url_context() -> Iterator[None]:
    """Let ``url_for(..., _external=True)`` work outside requests (the digest command)."""
    if has_request_context():
        yield
        return
    base = current_app.config.get("SITE_URL") or "http://localhost/"
    with current_app.test_request_context("/", base_url=base):
        yield


def _link(endpoint: str, **values: Any) -> str:
    site = current_app.config.get("SITE_URL")
    if site:
        return site.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def post_url(post: Post, activity_id: int) -> str:
    """The absolute address of a post inside its discussion."""
    return _link("forum.post_link", activity_id=activity_id, post_id=post.id)


def unsubscribe_url(user_id: int, activity_id: int, discussion_id: int | None) -> str:
    """The absolute one-click unsubscribe address."""
    return _link("forum.unsubscribe",
                 token=unsubscribe_token(user_id, activity_id, discussion_id))


def _load_post(post_id: int) -> Post | None:
    return db.session.execute(
        db.select(Post).where(Post.id == post_id)
        .options(joinedload(Post.author),
                 joinedload(Post.discussion).joinedload(Discussion.activity),
                 selectinload(Post.attachments).joinedload(Attachment.file))
    ).scalar()


def _locale(user: User, post: Post) -> str:
    return user.language or post.discussion.activity.programme.language or "en"


def _post_text(post: Post) -> str:
    discussion = post.discussion
    lines = [
        _("%(author)s wrote in “%(discussion)s” (%(forum)s):", author=post.author.name
          if post.author else _("deleted user"), discussion=discussion.title,
          forum=discussion.activity.title),
        "", post.body_source.strip(), "",
    ]
    if post.attachments:
        lines.append(_("Attachments: %(names)s",
                       names=", ".join(a.file.original_name for a in post.attachments)))
        lines.append("")
    lines.append(_("Read and reply: %(url)s", url=post_url(post, discussion.activity_id)))
    return "\n".join(lines)


def _send_one(user: User, post: Post, reason: str) -> None:
    discussion = post.discussion
    activity_id = discussion.activity_id
    unsub = unsubscribe_url(user.id, activity_id,
                            discussion.id if reason == DISCUSSION else None)
    with force_locale(_locale(user, post)):
        why = (_("You receive this because you follow this discussion.") if reason == DISCUSSION
               else _("You receive this because you are subscribed to this forum."))
        body = "\n".join([_post_text(post), "", "-- ", why,
                          _("Unsubscribe with one click: %(url)s", url=unsub)])
        subject = f"[{discussion.activity.programme.title}] {discussion.title}"
        html = (f"<div>{post.body_html}</div><hr><p>{why} "
                f"<a href=\"{unsub}\">{_('Unsubscribe')}</a></p>")
    send_mail(user.email, subject, body, html=html, headers={
        "List-Unsubscribe": f"<{unsub}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })


def post_created(post_id: int) -> int:
    """Mail a committed post to its subscribers now, or queue it for those who take a
    digest. Returns how many messages were sent."""
    post = _load_post(post_id)
    if post is None or post.deleted_at is not None:
        return 0
    discussion = post.discussion
    targets = [(u, r) for u, r in recipients(discussion.activity, discussion)
               if u.id != post.author_id]
    if not targets:
        return 0
    digest_users = set(db.session.scalars(db.select(Preference.user_id).where(
        Preference.user_id.in_([u.id for u, _r in targets]), Preference.digest.is_(True))))
    sent = 0
    with url_context():
        for user, reason in targets:
            if user.id in digest_users:
                db.session.add(DigestItem(user_id=user.id, post_id=post.id, reason=reason))
                continue
            try:
                _send_one(user, post, reason)
                sent += 1
            except Exception:  # one bad address must not stop the others
                log.exception("forum mail to user %s failed", user.id)
    if digest_users:
        db.session.commit()
    return sent
