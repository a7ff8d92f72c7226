"""The daily digest: one message per subscriber with the posts queued for them."""

from __future__ import annotations

import logging
from itertools import groupby

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.mail import send_mail
from core.models import User
from plugins.forum.models import DigestItem, Discussion, Post
from plugins.forum.services.notify import post_url, unsubscribe_url, url_context
from plugins.forum.services.subscriptions import DISCUSSION, readers

log = logging.getLogger("ementoring.forum")


def _still_visible(user: User, post: Post) -> bool:
    discussion = post.discussion
    if post.deleted_at is not None or discussion.deleted_at is not None:
        return False
    return user.id in readers(discussion.activity, discussion.group_id)


def _compose(user: User, items: list[DigestItem]) -> tuple[str, str, str] | None:
    posts = [(i, i.post) for i in items if _still_visible(user, i.post)]
    if not posts:
        return None
    posts.sort(key=lambda ip: (ip[1].discussion.activity.title, ip[1].discussion_id, ip[1].id))
    lines = [_("New posts in the forums you follow:"), ""]
    unsubscribes: dict[str, str] = {}
    for _did, group in groupby(posts, key=lambda ip: ip[1].discussion_id):
        group = list(group)
        discussion = group[0][1].discussion
        lines.append(f"== {discussion.title} ({discussion.activity.title}) ==")
        for item, post in group:
            author = post.author.name if post.author else _("deleted user")
            lines += ["", _("%(author)s wrote:", author=author), post.body_source.strip(),
                      post_url(post, discussion.activity_id)]
            if item.reason == DISCUSSION:
                label = discussion.title
                url = unsubscribe_url(user.id, discussion.activity_id, discussion.id)
            else:
                label = discussion.activity.title
                url = unsubscribe_url(user.id, discussion.activity_id, None)
            unsubscribes[label] = url
        lines.append("")
    lines.append("-- ")
    lines.append(_("You receive one digest a day; change this on any forum page."))
    for label, url in unsubscribes.items():
        lines.append(_("Unsubscribe from “%(name)s”: %(url)s", name=label, url=url))
    programme = posts[0][1].discussion.activity.programme.title
    subject = ngettext("[%(programme)s] Forum digest: %(num)d new post",
                       "[%(programme)s] Forum digest: %(num)d new posts", len(posts),
                       programme=programme)
    return subject, "\n".join(lines), next(iter(unsubscribes.values()))


def send_digests() -> int:
    """Send every queued digest and empty the queue; returns how many were sent."""
    items = db.session.scalars(
        db.select(DigestItem)
        .options(joinedload(DigestItem.post).joinedload(Post.discussion)
                 .joinedload(Discussion.activity),
                 joinedload(DigestItem.post).joinedload(Post.author))
        .order_by(DigestItem.user_id, DigestItem.id)
    ).all()
    sent = 0
    with url_context():
        for user_id, group in groupby(items, key=lambda i: i.user_id):
            group = list(group)
            user = db.session.get(User, user_id)
            if user is not None and user.is_active:
                with force_locale(user.language or "en"):
                    message = _compose(user, group)
                if message:
                    subject, body, unsub = message
                    try:
                        send_mail(user.email, subject, body, headers={
                            "List-Unsubscribe": f"<{unsub}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
                        sent += 1
                    except Exception:  # keep the queue for the next run
                        log.exception("forum digest to user %s failed", user_id)
                        continue
            for item in group:
                db.session.delete(item)
            db.session.commit()
    return sent
