"""No N+1: pages cost the same number of SQL statements whatever their number of rows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.extensions import db
from core.models import utcnow
from core.storage import save_bytes
from plugins.forum.models import Attachment, Discussion, Post, Revision
from tests.plugins.forum.conftest import PDF


def _discussion(activity, world, n_posts: int, title: str) -> Discussion:
    """A discussion of ``n_posts`` posts by four authors, with attachments, edits,
    replies to earlier posts and a deleted post."""
    authors = [world[k] for k in ("mentee_a", "mentee_a2", "mentor_a", "manager")]
    start = utcnow() - timedelta(days=2)
    d = Discussion(activity_id=activity.id, programme_id=activity.programme_id, title=title,
                   author_id=authors[0].id, last_post_at=start)
    db.session.add(d)
    db.session.flush()
    posts = []
    for i in range(n_posts):
        author = authors[i % len(authors)]
        post = Post(discussion_id=d.id, author_id=author.id, body_source=f"Post {i}",
                    body_html=f"<p>Post {i}</p>", created_at=start + timedelta(minutes=i),
                    parent_id=posts[i // 2].id if i else None)
        if i % 10 == 3:
            sf = save_bytes(PDF, f"form-{i}.pdf", plugin="forum",
                            programme=activity.programme_id, user=author, rate=False)
            post.attachments.append(Attachment(file=sf))
        if i % 7 == 5:
            post.deleted_at = start
        db.session.add(post)
        db.session.flush()
        if i % 5 == 1:
            db.session.add(Revision(post_id=post.id, body_source="old", body_html="<p>old</p>",
                                    written_at=start, edited_by_id=author.id))
        posts.append(post)
    d.last_post_id = posts[-1].id
    d.reply_count = n_posts - 1
    db.session.commit()
    return d


def _count(queries, client, url: str) -> int:
    """Statements of one request made in a fresh app context, so that, as in
    production, its session starts with an empty identity map."""
    with client.application.app_context(), queries() as q:
        resp = client.get(url)
    assert resp.status_code == 200
    return q.count


def test_discussion_page_queries_do_not_grow_with_posts(app, world, make, login_as, queries):
    forum = make.activity(world["programme"], "forum", plugin="forum", title="Forum")
    small = _discussion(forum, world, 10, "Small")
    big = _discussion(forum, world, 200, "Big")
    for who in ("mentee_a2", "mentor_a"):
        c = login_as(world[who])
        first_small = _count(queries, c, f"/forum/{forum.id}/d/{small.id}")
        first_big = _count(queries, c, f"/forum/{forum.id}/d/{big.id}")
        again_small = _count(queries, c, f"/forum/{forum.id}/d/{small.id}")
        again_big = _count(queries, c, f"/forum/{forum.id}/d/{big.id}")
        assert first_small == first_big, who
        assert again_small == again_big, who
    page = c.get(f"/forum/{forum.id}/d/{big.id}").get_data(as_text=True)
    assert page.count('<article class="forum-post') == 200
    assert "form-193.pdf" in page and "edited once" in page


@pytest.fixture
def group_discussion_url(world, make) -> str:
    """A discussion of 60 posts in Group A's space of a separate forum."""
    forum = make.activity(world["programme"], "forum", plugin="forum", title="Forum",
                          group_mode="separate")
    big = _discussion(forum, world, 60, "Big")
    big.group_id = world["group_a"].id
    db.session.commit()
    return f"/forum/{forum.id}/d/{big.id}"


def test_discussion_page_costs_at_most_ten_statements(app, world, login_as, queries,
                                                      group_discussion_url):
    """The whole request: the user with their roles, groups and the disabled plugins,
    the activity, the forum's five, the page's ids with their total, the unread
    messages. Staff also get the documents plugin's "File into …" actions on
    attachments (three statements: groups, filed copies, folders)."""
    url = group_discussion_url
    for who, most in (("mentee_a2", 10), ("mentor_a", 13), ("manager", 13)):
        c = login_as(world[who])
        c.get(url)
        with client_context(c), queries() as q:
            assert c.get(url).status_code == 200
        assert q.count <= most, (who, [" ".join(s.split())[:70] for s in q.statements])


def client_context(client):  # noqa: ANN001, ANN201
    """A fresh app context for the client's next request, as in production."""
    return client.application.app_context()


def _forum_statements(client, url: str) -> tuple[list[str], str]:
    """The statements issued from the forum plugin's code while ``client`` gets ``url``
    (in a fresh app context, as in production)."""
    import traceback

    from sqlalchemy import event

    root = Path(__file__).resolve().parents[3]
    plugins, core, forum = (str(root / d) for d in ("plugins", "core", "plugins/forum"))
    found: list[str] = []

    def _before(conn, cursor, statement, *args):  # noqa: ANN001
        ours = [f.filename for f in traceback.extract_stack()
                if f.filename.startswith((plugins, core))]
        if ours and ours[-1].startswith(forum):
            found.append(statement)

    with client.application.app_context():
        event.listen(db.engine, "before_cursor_execute", _before)
        try:
            page = client.get(url).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", _before)
    return found, page


def test_discussion_page_costs_the_forum_five_statements(app, world, login_as,
                                                        group_discussion_url):
    """The discussion with its group and programme, the reader's mark, the posts with
    their authors' names, the attachments with their files, and the subscription (the
    page's ids and their count come from the core's paginate); nothing per post, author
    or file."""
    url = group_discussion_url
    for who in ("mentee_a2", "mentor_a", "manager"):
        c = login_as(world[who])
        c.get(url)
        statements, page = _forum_statements(c, url)
        assert len(statements) == 5, (who, [s[:60] for s in statements])
        assert page.count('<article class="forum-post') == 60
        assert "Group space: Group A" in page
        # moderators may open deleted posts
        assert ("Show the deleted text" in page) == (who != "mentee_a2")


def test_forum_page_queries_do_not_grow_with_discussions(app, world, make, login_as, queries):
    one = make.activity(world["programme"], "forum", plugin="forum", title="One")
    many = make.activity(world["programme"], "forum", plugin="forum", title="Many")
    _discussion(one, world, 2, "Only")
    for i in range(20):
        _discussion(many, world, 3, f"Topic {i}")
    c = login_as(world["mentee_a"])
    assert _count(queries, c, f"/forum/{one.id}") == _count(queries, c, f"/forum/{many.id}")


def test_course_page_queries_do_not_grow_with_forums(app, world, make, login_as, queries):
    prog = world["programme"]
    first = make.activity(prog, "forum", plugin="forum", title="Forum 0")
    _discussion(first, world, 3, "x")
    c = login_as(world["mentee_a"])
    few = _count(queries, c, f"/p/{prog.id}")
    for i in range(1, 6):
        forum = make.activity(prog, "forum", plugin="forum", title=f"Forum {i}")
        _discussion(forum, world, 3, "x")
    assert _count(queries, c, f"/p/{prog.id}") == few
    assert "2 unread posts" in c.get(f"/p/{prog.id}").get_data(as_text=True)


def test_unread_counts_read_only_the_unread_posts(app, world):
    """The course page's "n unread posts" and the forum page's counts look posts up by
    discussion after the reader's mark, not through every post of the programme."""
    import pytest

    from plugins.forum.services.reading import _unread_counts_statement, _unread_statement

    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    for stmt in (_unread_statement(True).params(uid=1, pid=1, groups=[1]),
                 _unread_statement(False).params(uid=1, pid=1),
                 _unread_counts_statement().params(uid=1, ids=[1, 2])):
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " | ".join(row[3] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql))
        assert "forum_post USING INDEX ix_forum_post_discussion_id_id (discussion_id=? AND id>?)" \
            in plan, plan
