"""Export and erasure of a forum user; the demo forums."""

from __future__ import annotations

from core.extensions import db
from core.models import Activity, GroupMember, User
from core.plugins import hooks
from plugins.forum.models import Discussion, Post, Preference, Subscription
from plugins.forum.services import demo
from tests.plugins.forum.conftest import PDF, posts_of, reply, start, upload


def _records(user):
    results = hooks().export_user_data(user=user)
    return next(r for r in results if r and r.plugin == "forum")


def test_export_lists_posts_versions_subscriptions_and_files(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared, title="About me", body="First words",
              files=[upload("cv.pdf", PDF)])
    post = posts_of(d)[0]
    c.post(f"/forum/{shared.id}/posts/{post.id}/edit",
           data={"body": "Second words", "version": "1", "action": "post"})
    c.post(f"/forum/{shared.id}/preferences", data={"digest": "digest"})
    data = _records(db.session.get(User, world["mentee_a"].id))
    assert data.records["discussions_started"][0]["title"] == "About me"
    assert data.records["posts"][0]["text"] == "Second words"
    assert data.records["earlier_versions"][0]["text"] == "First words"
    assert data.records["subscriptions"][0]["discussion_id"] == d.id
    assert data.records["daily_digest"] is True
    assert [f.original_name for f in data.files] == ["cv.pdf"]
    nobody = hooks().export_user_data(user=world["outsider"])
    assert not any(r and r.plugin == "forum" for r in nobody)


def test_erasure_keeps_posts_as_by_deleted_user(app, world, shared, login_as):
    author = world["mentee_a"]
    c = login_as(author)
    d = start(c, shared, title="Kept for others", body="Useful advice")
    login_as(world["mentee_a2"]).get(f"/forum/{shared.id}/d/{d.id}")
    c.post(f"/forum/{shared.id}/preferences", data={"digest": "digest"})
    admin = login_as(world["admin"])
    assert admin.post(f"/admin/users/{author.id}/erase").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Subscription.id))
                             .where(Subscription.user_id == author.id)) == 0
    assert db.session.get(Preference, author.id) is None
    page = login_as(world["mentee_a2"]).get(f"/forum/{shared.id}/d/{d.id}").get_data(
        as_text=True)
    assert "Useful advice" in page and "deleted user" in page
    assert "Mentee A<" not in page


def _demo_users(world, make) -> dict:
    prog = world["programme"]
    mentee4 = make.member(prog, "mentee", name="Ola")
    db.session.add(GroupMember(group_id=world["group_b"].id, user_id=mentee4.id, role="mentee"))
    db.session.commit()
    sections = {key: make.section(prog, title) for key, title in [
        ("tools", "Managing and monitoring tools"), ("initial", "Initial session"),
        ("employability", "Employability"), ("entrepreneurship", "Entrepreneurship"),
        ("monitoring", "Monitoring")]}
    return {"manager": world["manager"], "mentor1": world["mentor_a"],
            "mentor2": world["mentor_b"], "mentee1": world["mentee_a"],
            "mentee2": world["mentee_a2"], "mentee3": world["mentee_b"], "mentee4": mentee4,
            "groups": [world["group_a"], world["group_b"]], "sections": sections}


def test_demo_adds_news_and_a_separate_group_forum(app, world, make, login_as):
    users = _demo_users(world, make)
    demo.build(world["programme"], users)
    db.session.commit()
    acts = {a.title: a for a in db.session.scalars(
        db.select(Activity).where(Activity.plugin == "forum"))}
    news, talk = acts["News and announcements"], acts["Mentoring group forum"]
    assert news.type == "forum.announcements" and news.section.title.startswith("Managing")
    assert talk.separate and talk.section.title.startswith("Initial")
    groups = {d.group.name for d in db.session.scalars(
        db.select(Discussion).where(Discussion.activity_id == talk.id))}
    assert groups == {"Group A", "Group B"}
    assert db.session.scalar(db.select(db.func.count(Post.id))) >= 12
    c = login_as(world["mentee_a"])
    html = c.get(f"/forum/{talk.id}").get_data(as_text=True)
    assert "Getting started" in html and "Business idea" not in html
    discussion = db.session.scalar(db.select(Discussion).where(
        Discussion.title.startswith("Getting started")))
    page = c.get(f"/forum/{talk.id}/d/{discussion.id}").get_data(as_text=True)
    assert "Self-assessment (filled in).docx" in page
    assert "Welcome to Blended mentoring" in c.get(f"/forum/{news.id}").get_data(as_text=True)
    other = db.session.scalar(db.select(Discussion).where(
        Discussion.title.startswith("Business idea")))
    assert c.get(f"/forum/{talk.id}/d/{other.id}").status_code == 404


def test_reply_from_the_demo_mentor_is_posted(app, world, shared, login_as):
    d = start(login_as(world["mentee_a"]), shared)
    reply(login_as(world["mentor_a"]), shared, d, body="Answer")
    assert len(posts_of(d)) == 2
