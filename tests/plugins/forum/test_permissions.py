"""Who may read, start, reply and moderate, in shared and separate forums, as
matrices of role × action × own group / other group / outsider."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.plugins import registry
from plugins.forum.models import Discussion, Post
from tests.plugins.forum.conftest import PDF, posts_of, reply, start, upload

READERS = ["manager", "mentor_a", "mentor_b", "mentee_a", "mentee_b", "outsider", "admin"]


@pytest.mark.parametrize("who, expected", [
    ("manager", 200), ("mentor_a", 200), ("mentee_a", 200), ("mentee_b", 200),
    ("outsider", 404), ("admin", 200),
])
def test_shared_forum_is_read_by_every_member(app, world, shared, login_as, who, expected):
    d = start(login_as(world["mentee_a"]), shared, title="Shared topic")
    c = login_as(world[who])
    assert c.get(f"/forum/{shared.id}").status_code == expected
    page = c.get(f"/forum/{shared.id}/d/{d.id}")
    assert page.status_code == expected
    if expected == 200:
        assert "Shared topic" in page.get_data(as_text=True)


@pytest.mark.parametrize("who, sees", [
    ("manager", True), ("admin", True), ("mentor_a", True), ("mentee_a", True),
    ("mentee_a2", True), ("mentor_b", False), ("mentee_b", False), ("outsider", False),
])
def test_separate_forum_discussion_only_for_its_group(app, world, separate, login_as, who,
                                                      sees):
    author = login_as(world["mentee_a"])
    d = start(author, separate, title="Group A secret", group=world["group_a"],
              files=[upload("form.pdf", PDF)])
    reply(author, separate, d, body="More for group A")
    attachment = posts_of(d)[0].attachments[0]
    c = login_as(world[who])
    code = 200 if sees else 404
    assert c.get(f"/forum/{separate.id}/d/{d.id}").status_code == code
    assert c.get(f"/forum/{separate.id}/files/{attachment.id}").status_code == code
    assert c.get(f"/forum/{separate.id}/posts/{d.last_post_id}").status_code == (
        302 if sees else 404)
    assert c.get(f"/forum/{separate.id}/d/{d.id}/reply?quote={d.last_post_id}").status_code \
        == code
    before = db.session.scalar(db.select(db.func.count(Post.id)))
    resp = c.post(f"/forum/{separate.id}/d/{d.id}/reply",
                  data={"body": "intrusion", "action": "post"})
    assert resp.status_code == (302 if sees else 404)
    after = db.session.scalar(db.select(db.func.count(Post.id)))
    assert after == before + (1 if sees else 0)
    listing = c.get(f"/forum/{separate.id}?group={world['group_a'].id}")
    assert listing.status_code == code
    search = c.get(f"/forum/{separate.id}/search?q=secret&group={world['group_a'].id}")
    assert search.status_code == code


def test_mentee_of_group_b_sees_only_group_b_discussions(app, world, separate, login_as):
    start(login_as(world["mentee_a"]), separate, title="Alpha talk", group=world["group_a"])
    start(login_as(world["mentee_b"]), separate, title="Beta talk", group=world["group_b"])
    page = login_as(world["mentee_b"]).get(f"/forum/{separate.id}").get_data(as_text=True)
    assert "Beta talk" in page and "Alpha talk" not in page
    search = login_as(world["mentee_b"]).get(f"/forum/{separate.id}/search?q=talk")
    assert "Beta talk" in search.get_data(as_text=True)
    assert "Alpha talk" not in search.get_data(as_text=True)
    manager = login_as(world["manager"])
    a = manager.get(f"/forum/{separate.id}?group={world['group_a'].id}").get_data(as_text=True)
    assert "Alpha talk" in a and "Beta talk" not in a


def test_mentee_cannot_post_into_another_groups_space(app, world, separate, login_as):
    c = login_as(world["mentee_b"])
    resp = c.post(f"/forum/{separate.id}/new?group={world['group_a'].id}",
                  data={"title": "Wrong place", "body": "x", "action": "post"})
    assert resp.status_code == 404
    assert db.session.scalar(db.select(db.func.count(Discussion.id))) == 0
    d = start(c, separate, title="Right place")
    assert d.group_id == world["group_b"].id


def test_separate_forum_without_a_group_shows_an_explanation(app, world, separate, make,
                                                             login_as):
    loner = make.member(world["programme"], "mentee", name="Loner")
    page = login_as(loner).get(f"/forum/{separate.id}")
    assert page.status_code == 200
    assert "not in a group yet" in page.get_data(as_text=True)
    assert login_as(loner).get(f"/forum/{separate.id}/new").status_code == 404


@pytest.mark.parametrize("who, may_start", [
    ("manager", True), ("mentor_a", True), ("mentee_a", False), ("outsider", False),
])
def test_only_staff_start_announcements(app, world, news, login_as, who, may_start):
    c = login_as(world[who])
    expected = 200 if may_start else 404
    assert c.get(f"/forum/{news.id}/new").status_code == expected
    start(c, news, title="Notice", status=302 if may_start else 404)
    count = db.session.scalar(db.select(db.func.count(Discussion.id)))
    assert count == (1 if may_start else 0)
    if who == "mentee_a":
        page = c.get(f"/forum/{news.id}").get_data(as_text=True)
        assert "Start a discussion" not in page


def test_mentees_reply_to_announcements(app, world, news, login_as):
    d = start(login_as(world["manager"]), news, title="Welcome")
    reply(login_as(world["mentee_a"]), news, d, body="Thank you!")
    assert [p.body_source for p in posts_of(d)] == ["First post", "Thank you!"]


@pytest.mark.parametrize("who, expected", [
    ("manager", 302), ("mentor_a", 302), ("mentor_b", 404), ("mentee_a", 404),
    ("mentee_b", 404), ("outsider", 404),
])
def test_pin_and_lock_are_for_moderators_of_the_group(app, world, separate, login_as, who,
                                                      expected):
    d = start(login_as(world["mentee_a"]), separate, group=world["group_a"])
    c = login_as(world[who])
    assert c.post(f"/forum/{separate.id}/d/{d.id}/pin").status_code == expected
    assert c.post(f"/forum/{separate.id}/d/{d.id}/lock").status_code == expected
    db.session.expire_all()
    d = db.session.get(Discussion, d.id)
    assert d.pinned is d.locked is (expected == 302)


def test_locked_discussion_takes_no_replies(app, world, shared, login_as):
    d = start(login_as(world["mentee_a"]), shared)
    login_as(world["mentor_a"]).post(f"/forum/{shared.id}/d/{d.id}/lock")
    c = login_as(world["mentee_a2"])
    page = c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert "This discussion is locked" in page and "Post reply" not in page
    reply(c, shared, d, status=404)
    login_as(world["mentor_a"]).post(f"/forum/{shared.id}/d/{d.id}/lock")
    reply(c, shared, d)
    assert len(posts_of(d)) == 2


def test_pinned_discussions_come_first(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    older = start(c, shared, title="Older topic")
    start(c, shared, title="Newer topic")
    page = c.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert page.index("Newer topic") < page.index("Older topic")
    login_as(world["manager"]).post(f"/forum/{shared.id}/d/{older.id}/pin")
    page = c.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert page.index("Older topic") < page.index("Newer topic")


def test_disabled_plugin_answers_404(app, world, shared, login_as):
    d = start(login_as(world["mentee_a"]), shared)
    registry().set_enabled(world["programme"].id, "forum", False)
    c = login_as(world["manager"])
    assert c.get(f"/forum/{shared.id}").status_code == 404
    assert c.get(f"/forum/{shared.id}/d/{d.id}").status_code == 404
    assert c.post(f"/forum/{shared.id}/d/{d.id}/reply",
                  data={"body": "x", "action": "post"}).status_code == 404


def test_a_discussion_id_of_another_forum_answers_404(app, world, shared, separate, login_as):
    d = start(login_as(world["mentee_a"]), shared)
    assert login_as(world["mentee_a"]).get(
        f"/forum/{separate.id}/d/{d.id}").status_code == 404
