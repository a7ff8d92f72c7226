"""Subscriptions and mail through a real SMTP server: who gets a post, one-click
unsubscribe without login, announcements for everyone, the daily digest."""

from __future__ import annotations

import re

from core.extensions import db
from plugins.forum.models import DigestItem, Subscription
from plugins.forum.services.notify import unsubscribe_token
from tests.plugins.forum.conftest import PDF, posts_of, reply, start, upload


def _unsubscribe_path(body: str) -> str:
    url = re.search(r"Unsubscribe with one click: (\S+)", body).group(1)
    return url.split("://", 1)[1].split("/", 1)[1]


def test_new_post_is_mailed_to_subscribers_after_commit(app, world, separate, login_as, smtp):
    author = login_as(world["mentee_a"])
    d = start(author, separate, title="Self-assessment", group=world["group_a"])
    assert smtp.messages == []  # nobody else follows yet; the author is not mailed
    login_as(world["mentor_a"]).post(f"/forum/{separate.id}/subscription",
                                     data={"subscribe": "1"})
    login_as(world["mentor_b"]).post(f"/forum/{separate.id}/subscription",
                                     data={"subscribe": "1"})
    reply(login_as(world["mentee_a2"]), separate, d, body="Here is **mine**",
          files=[upload("form.pdf", PDF)])
    smtp.wait(2)
    recipients = sorted(r for m in smtp.messages for r in m.envelope_rcpt)
    assert recipients == sorted([world["mentee_a"].email, world["mentor_a"].email])
    msg = smtp.to(world["mentee_a"].email)[0]
    body = smtp.body(msg)
    assert "Self-assessment" in msg["Subject"]
    assert "Here is **mine**" in body and "form.pdf" in body
    post = posts_of(d)[-1]
    assert f"/forum/{separate.id}/posts/{post.id}" in body
    assert msg["List-Unsubscribe"].strip().startswith("<http")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "follow this discussion" in body
    assert "subscribed to this forum" in smtp.body(smtp.to(world["mentor_a"].email)[0])


def test_unsubscribe_link_works_without_login(app, world, shared, login_as, smtp, client):
    d = start(login_as(world["mentee_a"]), shared, title="Job fair")
    other = login_as(world["mentee_a2"])
    reply(other, shared, d, body="first reply")
    smtp.wait(1)
    path = _unsubscribe_path(smtp.body(smtp.messages[0]))
    page = client.get(path)  # not logged in
    assert page.status_code == 200 and "Stop e-mails about the discussion" in \
        page.get_data(as_text=True)
    sub = db.session.scalar(db.select(Subscription).where(Subscription.discussion_id == d.id))
    assert sub.subscribed is True  # a GET changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert "You will no longer receive" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).subscribed is False
    reply(other, shared, d, body="second reply")
    smtp.wait(2, timeout=1)
    assert len(smtp.to(world["mentee_a"].email)) == 1


def test_one_click_post_from_a_mail_client(app, world, shared, login_as, smtp, client):
    d = start(login_as(world["mentee_a"]), shared)
    reply(login_as(world["mentee_a2"]), shared, d)
    smtp.wait(1)
    url = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    resp = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert resp.status_code == 200
    assert db.session.scalar(db.select(Subscription.subscribed)
                             .where(Subscription.discussion_id == d.id)) is False


def test_forged_or_garbled_tokens_are_refused(app, world, shared, client):
    good = unsubscribe_token(world["mentee_a"].id, shared.id, None)
    assert client.get(f"/forum/unsubscribe/{good}x").status_code == 404
    assert client.post("/forum/unsubscribe/not-a-token").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Subscription.id))) == 0


def test_announcements_reach_everyone_who_can_read_them(app, world, news, login_as, smtp):
    start(login_as(world["manager"]), news, title="Holiday closing", body="Closed Friday")
    members = ["mentor_a", "mentor_b", "mentee_a", "mentee_a2", "mentee_b"]
    smtp.wait(len(members))
    assert sorted(r for m in smtp.messages for r in m.envelope_rcpt) == sorted(
        world[k].email for k in members)
    assert all("Holiday closing" in m["Subject"] for m in smtp.messages)
    # mentee_b opts out of the forum with the link; the next notice skips them
    msg = smtp.to(world["mentee_b"].email)[0]
    login_as(world["outsider"]).post("/" + _unsubscribe_path(smtp.body(msg)))
    smtp.messages.clear()
    start(login_as(world["mentor_a"]), news, title="Second notice")
    smtp.wait(len(members))  # the author is skipped as well as mentee_b
    got = sorted(r for m in smtp.messages for r in m.envelope_rcpt)
    assert world["mentee_b"].email not in got and world["mentor_a"].email not in got
    assert world["manager"].email in got


def test_separate_forum_mail_stays_in_the_group(app, world, separate, login_as, smtp):
    for who in ("mentee_b", "mentor_b", "manager"):
        login_as(world[who]).post(f"/forum/{separate.id}/subscription",
                                  data={"subscribe": "1"})
    start(login_as(world["mentee_a"]), separate, group=world["group_a"])
    smtp.wait(1)
    smtp.wait(3, timeout=0.5)
    got = [r for m in smtp.messages for r in m.envelope_rcpt]
    assert got == [world["manager"].email]


def test_following_and_unfollowing_a_discussion(app, world, shared, login_as, smtp):
    d = start(login_as(world["mentee_a"]), shared)
    mentor = login_as(world["mentor_a"])
    mentor.post(f"/forum/{shared.id}/d/{d.id}/subscription", data={"subscribe": "1"})
    page = mentor.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert "Stop e-mails about this discussion" in page
    reply(login_as(world["mentee_a2"]), shared, d)
    smtp.wait(2)
    assert len(smtp.to(world["mentor_a"].email)) == 1
    mentor.post(f"/forum/{shared.id}/d/{d.id}/subscription", data={"subscribe": "0"})
    reply(login_as(world["mentee_a2"]), shared, d)
    smtp.wait(4, timeout=1)
    assert len(smtp.to(world["mentor_a"].email)) == 1
    assert len(smtp.to(world["mentee_a"].email)) == 2


def test_digest_preference_queues_posts_for_the_daily_command(app, world, shared, login_as,
                                                              smtp):
    author = login_as(world["mentee_a"])
    author.post(f"/forum/{shared.id}/preferences", data={"digest": "digest"})
    d = start(author, shared, title="Weekly plan")
    writer = login_as(world["mentee_a2"])
    reply(writer, shared, d, body="Monday is fine")
    reply(writer, shared, d, body="Tuesday too")
    smtp.wait(1, timeout=0.5)
    assert smtp.messages == []
    assert db.session.scalar(db.select(db.func.count(DigestItem.id))) == 2
    result = app.test_cli_runner().invoke(args=["forum", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 forum digest(s) sent." in result.output
    smtp.wait(1)
    [msg] = smtp.messages
    body = smtp.body(msg)
    assert msg["Subject"].endswith("Forum digest: 2 new posts")
    assert "Monday is fine" in body and "Tuesday too" in body and "Weekly plan" in body
    assert "/forum/unsubscribe/" in body
    assert db.session.scalar(db.select(db.func.count(DigestItem.id))) == 0
    again = app.test_cli_runner().invoke(args=["forum", "digest"])
    assert "0 forum digest(s) sent." in again.output


def test_digest_leaves_out_posts_deleted_meanwhile(app, world, shared, login_as, smtp):
    author = login_as(world["mentee_a"])
    author.post(f"/forum/{shared.id}/preferences", data={"digest": "digest"})
    d = start(author, shared)
    writer = login_as(world["mentee_a2"])
    reply(writer, shared, d, body="regret this")
    writer.post(f"/forum/{shared.id}/posts/{posts_of(d)[-1].id}/delete")
    result = app.test_cli_runner().invoke(args=["forum", "digest"])
    assert "0 forum digest(s) sent." in result.output
    assert db.session.scalar(db.select(db.func.count(DigestItem.id))) == 0
