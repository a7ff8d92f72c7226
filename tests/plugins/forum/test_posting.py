"""Writing: preview without JavaScript, quoting, edit window and history, optimistic
locking, soft delete, pagination, unread marks, search, sanitised output, events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Event, Programme
from plugins.forum.models import Discussion, Post, ReadMark, Revision, Subscription
from tests.plugins.forum.conftest import posts_of, reply, start


def _age(post: Post, minutes: int) -> None:
    """Make a post older without touching its version."""
    db.session.execute(db.update(Post).where(Post.id == post.id)
                       .values(created_at=post.created_at - timedelta(minutes=minutes)))
    db.session.commit()


def test_starting_a_discussion_saves_post_subscription_and_events(app, world, shared,
                                                                   login_as):
    d = start(login_as(world["mentee_a"]), shared, title="My CV", body="Please **look**")
    [post] = posts_of(d)
    assert d.title == "My CV" and d.author_id == world["mentee_a"].id
    assert post.body_html == "<p>Please <strong>look</strong></p>"
    assert d.last_post_id == post.id and d.reply_count == 0
    sub = db.session.scalar(db.select(Subscription))
    assert (sub.user_id, sub.discussion_id, sub.subscribed) == (world["mentee_a"].id, d.id,
                                                               True)
    names = db.session.scalars(db.select(Event.name).order_by(Event.id)).all()
    assert names == ["discussion_created", "post_created"]
    event = db.session.scalar(db.select(Event).where(Event.name == "post_created"))
    assert event.object_type == "forum_post" and event.object_id == post.id
    assert event.data["first"] is True and event.programme_id == world["programme"].id


def test_reply_updates_the_discussion_and_emits_post_created(app, world, separate, login_as):
    d = start(login_as(world["mentee_a"]), separate, group=world["group_a"])
    reply(login_as(world["mentor_a"]), separate, d, body="Well done")
    db.session.expire_all()
    d = db.session.get(Discussion, d.id)
    posts = posts_of(d)
    assert d.reply_count == 1 and d.last_post_id == posts[-1].id
    assert d.last_author_id == world["mentor_a"].id
    event = db.session.scalars(db.select(Event).where(Event.name == "post_created")
                               .order_by(Event.id.desc())).first()
    assert event.group_id == world["group_a"].id and event.data["first"] is False


def test_preview_button_renders_without_saving(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    resp = c.post(f"/forum/{shared.id}/new",
                  data={"title": "Draft", "body": "Some *emphasis* <script>x()</script>",
                        "action": "preview"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<em>emphasis</em>" in html and "<script>x()" not in html
    assert "Some *emphasis*" in html  # the source stays in the box
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_live_preview_endpoint_returns_sanitised_html(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    resp = c.post(f"/forum/{shared.id}/preview",
                  data={"body": "[x](javascript:alert(1)) <img src=x onerror=alert(1)> **b**"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<strong>b</strong>" in html
    assert "javascript:" not in html and "onerror" not in html
    assert login_as(world["outsider"]).post(f"/forum/{shared.id}/preview",
                                            data={"body": "x"}).status_code == 404


@pytest.mark.parametrize("source, kept, forbidden", [
    ("<script>alert('x')</script>hello", "hello", "<script"),
    ('<img src="a.png" alt="pic" onerror="alert(1)">', 'alt="pic"', "onerror"),
    ('<a href="#top" onclick="steal()">click</a>', "click", "onclick"),
    ("[click](javascript:alert(1))", "click", "javascript:"),
    ('<a href="javascript:alert(1)">link text</a>', "link text", "javascript:"),
    ('<iframe src="https://evil.example"></iframe>visible', "visible", "<iframe"),
])
def test_posts_are_sanitised(app, world, shared, login_as, source, kept, forbidden):
    c = login_as(world["mentee_a"])
    d = start(c, shared, title="Sanitised", body=source)
    stored = posts_of(d)[0].body_html
    assert kept in stored and forbidden not in stored
    page = c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    posts = page.split('<div class="forum-posts">')[1].split('<section class="forum-reply"')[0]
    assert kept in posts and forbidden not in posts


def test_quoting_prefills_the_reply(app, world, shared, login_as):
    d = start(login_as(world["mentee_a"]), shared, body="Line one\nLine two")
    first = posts_of(d)[0]
    c = login_as(world["mentor_a"])
    html = c.get(f"/forum/{shared.id}/d/{d.id}/reply?quote={first.id}").get_data(as_text=True)
    assert "&gt; **Mentee A:**" in html and "&gt; Line two" in html
    assert f'value="{first.id}"' in html
    reply(c, shared, d, body="> Line one\n\nAnswer", parent=first)
    new = posts_of(d)[-1]
    assert new.parent_id == first.id and "<blockquote>" in new.body_html
    page = c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert "in reply to Mentee A" in page


def test_replies_name_authors_of_posts_on_earlier_pages(app, world, shared, login_as):
    app.config["FORUM_POSTS_PER_PAGE"] = 2
    try:
        gone, kept = world["mentee_a"], world["mentee_a2"]
        d = start(login_as(gone), shared, body="Opening")
        reply(login_as(kept), shared, d, body="Second")
        first, second = posts_of(d)
        c = login_as(world["mentor_a"])
        reply(c, shared, d, body="To the first", parent=first)
        reply(c, shared, d, body="To the second", parent=second)
        assert login_as(world["admin"]).post(f"/admin/users/{gone.id}/erase").status_code == 302
        page2 = c.get(f"/forum/{shared.id}/d/{d.id}?page=2").get_data(as_text=True)
        assert "To the first" in page2 and "Opening" not in page2
        assert f'href="/forum/{shared.id}/posts/{first.id}">in reply to deleted user' in page2
        assert f'href="/forum/{shared.id}/posts/{second.id}">in reply to Mentee A2' in page2
        assert page2.count('class="forum-author">Mentor A<') == 2
    finally:
        app.config.pop("FORUM_POSTS_PER_PAGE")


def test_empty_message_is_refused_with_text_kept(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    resp = c.post(f"/forum/{shared.id}/new", data={"title": "Kept title", "body": "",
                                                   "action": "post"})
    assert resp.status_code == 200 and 'value="Kept title"' in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Discussion.id))) == 0


def test_author_edits_inside_the_window_and_history_is_kept(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared, title="Old title", body="Version one")
    post = posts_of(d)[0]
    form = c.get(f"/forum/{shared.id}/posts/{post.id}/edit").get_data(as_text=True)
    assert "Version one" in form and 'name="version"' in form
    c.post(f"/forum/{shared.id}/posts/{post.id}/edit",
           data={"body": "Version two", "title": "New title", "version": "1",
                 "action": "post"})
    c.post(f"/forum/{shared.id}/posts/{post.id}/edit",
           data={"body": "Version three", "title": "New title", "version": "2",
                 "action": "post"})
    post = posts_of(d)[0]
    assert post.body_source == "Version three" and post.edit_count == 2
    assert db.session.get(Discussion, d.id).title == "New title"
    revisions = db.session.scalars(db.select(Revision).order_by(Revision.id)).all()
    assert [r.body_source for r in revisions] == ["Version one", "Version two"]
    history = c.get(f"/forum/{shared.id}/posts/{post.id}/history").get_data(as_text=True)
    assert "Version one" in history and "Version two" in history
    assert login_as(world["mentee_a2"]).get(
        f"/forum/{shared.id}/posts/{post.id}/history").status_code == 404
    assert login_as(world["mentor_a"]).get(
        f"/forum/{shared.id}/posts/{post.id}/history").status_code == 200
    page = c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert "edited 2 times" in page
    assert db.session.scalar(db.select(db.func.count(Event.id))
                             .where(Event.name == "post_edited")) == 2


def test_edit_window_is_enforced(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared, body="Original")
    post = posts_of(d)[0]
    _age(post, 31)
    resp = c.get(f"/forum/{shared.id}/posts/{post.id}/edit")
    assert resp.status_code == 302
    resp = c.post(f"/forum/{shared.id}/posts/{post.id}/edit",
                  data={"body": "Too late", "version": "1", "action": "post"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "The time for editing this post is over" in html
    assert "Too late" in html  # the text is shown back, not lost
    assert posts_of(d)[0].body_source == "Original"
    page = c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert f"/posts/{post.id}/edit" not in page
    assert c.get(f"/forum/{shared.id}/posts/{post.id}/delete").status_code == 404
    # others never edit someone's post, moderators always do
    assert login_as(world["mentee_a2"]).get(
        f"/forum/{shared.id}/posts/{post.id}/edit").status_code == 404
    m = login_as(world["mentor_a"])
    m.post(f"/forum/{shared.id}/posts/{post.id}/edit",
           data={"body": "Fixed by mentor", "version": "1", "action": "post"})
    assert posts_of(d)[0].body_source == "Fixed by mentor"


def test_edit_window_is_a_programme_setting(app, world, shared, login_as):
    prog = db.session.get(Programme, world["programme"].id)
    prog.settings = {"forum": {"edit_minutes": 60}}
    db.session.commit()
    c = login_as(world["mentee_a"])
    d = start(c, shared, body="Original")
    _age(posts_of(d)[0], 45)
    post = posts_of(d)[0]
    c.post(f"/forum/{shared.id}/posts/{post.id}/edit",
           data={"body": "Still allowed", "version": "1", "action": "post"})
    assert posts_of(d)[0].body_source == "Still allowed"


def test_second_editor_is_told_and_nothing_is_overwritten(app, world, shared, login_as):
    author = login_as(world["mentee_a"])
    d = start(author, shared, body="Start")
    post = posts_of(d)[0]
    mentor = login_as(world["mentor_a"])
    assert 'value="1"' in author.get(f"/forum/{shared.id}/posts/{post.id}/edit").get_data(
        as_text=True)
    mentor.get(f"/forum/{shared.id}/posts/{post.id}/edit")
    mentor.post(f"/forum/{shared.id}/posts/{post.id}/edit",
                data={"body": "Mentor's correction", "version": "1", "action": "post"})
    resp = author.post(f"/forum/{shared.id}/posts/{post.id}/edit",
                       data={"body": "Author's rewrite", "version": "1", "action": "post"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else saved this while you were editing it" in html
    assert "Author&#39;s rewrite" in html or "Author's rewrite" in html
    assert "Mentor&#39;s correction" in html or "Mentor’s correction" in html \
        or "Mentor's correction" in html
    assert 'value="2"' in html
    post = posts_of(d)[0]
    assert post.body_source == "Mentor's correction" and post.edit_count == 1
    author.post(f"/forum/{shared.id}/posts/{post.id}/edit",
                data={"body": "Merged text", "version": "2", "action": "post"})
    post = posts_of(d)[0]
    assert post.body_source == "Merged text" and post.edit_count == 2


def test_author_deletes_inside_the_window_after_confirmation(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared)
    reply(c, shared, d, body="Oops, wrong text")
    post = posts_of(d)[1]
    confirm = c.get(f"/forum/{shared.id}/posts/{post.id}/delete")
    assert confirm.status_code == 200 and "Delete this post?" in confirm.get_data(as_text=True)
    assert posts_of(d)[1].deleted_at is None
    c.post(f"/forum/{shared.id}/posts/{post.id}/delete")
    post = posts_of(d)[1]
    assert post.deleted_at is not None and post.deleted_by_id == world["mentee_a"].id
    assert db.session.get(Discussion, d.id).reply_count == 0
    page = login_as(world["mentee_a2"]).get(f"/forum/{shared.id}/d/{d.id}").get_data(
        as_text=True)
    assert "This post has been deleted." in page and "Oops, wrong text" not in page
    moderator = login_as(world["mentor_a"]).get(f"/forum/{shared.id}/d/{d.id}")
    assert "Oops, wrong text" in moderator.get_data(as_text=True)
    assert db.session.scalar(db.select(Event).where(Event.name == "post_deleted"))


def test_moderator_deletes_any_time_and_the_opening_post_takes_the_discussion(
        app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared, title="To be removed")
    reply(login_as(world["mentee_a2"]), shared, d)
    first = posts_of(d)[0]
    _age(first, 600)
    assert c.post(f"/forum/{shared.id}/posts/{first.id}/delete").status_code == 404
    m = login_as(world["manager"])
    assert "with all its replies" in m.get(
        f"/forum/{shared.id}/posts/{first.id}/delete").get_data(as_text=True)
    assert m.post(f"/forum/{shared.id}/posts/{first.id}/delete").status_code == 302
    assert db.session.get(Discussion, d.id).deleted_at is not None
    assert c.get(f"/forum/{shared.id}/d/{d.id}").status_code == 404
    assert "To be removed" not in c.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert m.get(f"/forum/{shared.id}/d/{d.id}").status_code == 200


def test_posts_are_paginated_and_links_find_their_page(app, world, shared, login_as):
    app.config["FORUM_POSTS_PER_PAGE"] = 3
    try:
        c = login_as(world["mentee_a"])
        d = start(c, shared, body="Body number 0")
        for i in range(1, 5):
            reply(c, shared, d, body=f"Body number {i}")
        page1 = c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
        assert "Body number 2" in page1 and "Body number 3" not in page1
        assert 'rel="next"' in page1
        page2 = c.get(f"/forum/{shared.id}/d/{d.id}?page=2").get_data(as_text=True)
        assert "Body number 4" in page2 and "Body number 0" not in page2
        last = posts_of(d)[-1]
        resp = c.get(f"/forum/{shared.id}/posts/{last.id}")
        assert resp.headers["Location"].endswith(f"/d/{d.id}?page=2#post-{last.id}")
    finally:
        app.config.pop("FORUM_POSTS_PER_PAGE")


def test_discussion_list_is_paginated(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    for i in range(app.config["PAGE_SIZE"] + 2):
        db.session.add(Discussion(activity_id=shared.id, programme_id=shared.programme_id,
                                  title=f"Topic {i:03d}", author_id=world["mentee_a"].id))
    db.session.commit()
    page = c.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert 'rel="next"' in page
    assert c.get(f"/forum/{shared.id}?page=2").status_code == 200


def test_unread_marks_per_user(app, world, shared, login_as):
    author = login_as(world["mentee_a"])
    d = start(author, shared, title="Unread topic")
    reply(author, shared, d, body="second")
    reader = login_as(world["mentee_a2"])
    listing = reader.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert '<tr class="unread">' in listing and "<strong>2</strong>" in listing
    course = reader.get(f"/p/{world['programme'].id}").get_data(as_text=True)
    assert "2 unread posts" in course
    page = reader.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert page.count('forum-new">new<') == 2
    mark = db.session.get(ReadMark, (world["mentee_a2"].id, d.id))
    assert mark.last_post_id == posts_of(d)[-1].id
    assert '<tr class="unread">' not in reader.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert "unread post" not in reader.get(f"/p/{world['programme'].id}").get_data(as_text=True)
    # the author's own posts are never unread for them
    assert '<tr class="unread">' not in author.get(f"/forum/{shared.id}").get_data(as_text=True)
    reply(author, shared, d, body="third")
    listing = reader.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert "<strong>1</strong>" in listing
    page = reader.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)
    assert page.count('forum-new">new<') == 1
    reply(author, shared, d, body="fourth")
    reader.post(f"/forum/{shared.id}/read")
    assert '<tr class="unread">' not in reader.get(f"/forum/{shared.id}").get_data(as_text=True)


def test_search_finds_words_in_posts_and_titles(app, world, shared, login_as):
    c = login_as(world["mentee_a"])
    d = start(c, shared, title="Interview practice", body="Tuesday works")
    reply(c, shared, d, body="I will bring my CV")
    other = start(c, shared, title="Unrelated", body="nothing here")
    reply(c, shared, other, body="secret deleted cv text")
    deleted = posts_of(other)[-1]
    c.post(f"/forum/{shared.id}/posts/{deleted.id}/delete")
    html = c.get(f"/forum/{shared.id}/search?q=cv").get_data(as_text=True)
    assert "1 post found." in html and "I will bring my CV" in html
    assert "secret deleted" not in html
    html = c.get(f"/forum/{shared.id}/search?q=interview").get_data(as_text=True)
    assert "Interview practice" in html
    html = c.get(f"/forum/{shared.id}/search?q=zebra").get_data(as_text=True)
    assert "No posts contain" in html


def test_forum_pages_speak_the_users_language(app, world, shared, login_as):
    user = db.session.get(type(world["mentee_a"]), world["mentee_a"].id)
    user.language = "cs"
    db.session.commit()
    c = login_as(user)
    d = start(c, shared)
    assert "Založit diskusi" in c.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert "Odeslat odpověď" in c.get(f"/forum/{shared.id}/d/{d.id}").get_data(as_text=True)


def test_unread_counts_use_each_discussions_own_read_mark(app, world, shared, login_as):
    """A reader with marks in several discussions: each count uses its own mark (the
    mark's subquery once read every shown discussion's marks)."""
    author = login_as(world["mentee_a"])
    first = start(author, shared, title="First topic")
    second = start(author, shared, title="Second topic")
    reply(author, shared, second, body="second reply")
    reader = login_as(world["mentee_a2"])
    for d in (first, second):
        assert reader.get(f"/forum/{shared.id}/d/{d.id}").status_code == 200
    reply(author, shared, first, body="new in the first")
    reply(author, shared, second, body="new in the second")
    reply(author, shared, second, body="another in the second")
    listing = reader.get(f"/forum/{shared.id}").get_data(as_text=True)
    assert listing.count('<tr class="unread">') == 2
    assert "<strong>1</strong>" in listing and "<strong>2</strong>" in listing
    course = reader.get(f"/p/{world['programme'].id}").get_data(as_text=True)
    assert "3 unread posts" in course
