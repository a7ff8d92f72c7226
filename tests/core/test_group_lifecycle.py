"""A mentoring group's life cycle: completed or closed groups, and groups of an ended
programme, are read-only for their mentor and mentees; managers keep writing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from core.extensions import db
from core.models import MentoringGroup, MentoringSession, Programme
from core.permissions import can

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def space(world: dict, make: Any, login_as: Any) -> SimpleNamespace:
    """Group A with a separate forum holding one discussion and a separate folder."""
    prog = world["programme"]
    forum = make.activity(prog, "forum", plugin="forum", title="Group forum",
                          group_mode="separate")
    folder = make.activity(prog, "documents.folder", group_mode="separate", title="Toolbar")
    g = world["group_a"]
    resp = login_as(world["mentee_a"]).post(
        f"/forum/{forum.id}/new?group={g.id}",
        data={"title": "Hello", "body": "First post", "action": "post"},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    discussion_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    return SimpleNamespace(**world, forum=forum, folder=folder, g=g,
                           discussion_id=discussion_id)


def set_group(group: MentoringGroup, status: str) -> None:
    db.session.get(MentoringGroup, group.id).status = status
    db.session.commit()


def reads(client: Any, s: SimpleNamespace) -> list[int]:
    return [client.get(url).status_code for url in (
        f"/groups/{s.g.id}",
        f"/groups/{s.g.id}/sessions",
        f"/forum/{s.forum.id}?group={s.g.id}",
        f"/forum/{s.forum.id}/d/{s.discussion_id}",
        f"/documents/folder/{s.folder.id}/groups/{s.g.id}",
    )]


def reply(client: Any, s: SimpleNamespace) -> int:
    return client.post(f"/forum/{s.forum.id}/d/{s.discussion_id}/reply",
                       data={"body": "A reply", "action": "post"},
                       content_type="multipart/form-data").status_code


def upload(client: Any, s: SimpleNamespace) -> int:
    return client.post(f"/documents/folder/{s.folder.id}/groups/{s.g.id}/upload",
                       data={"file": (io.BytesIO(PDF), "scan.pdf")},
                       content_type="multipart/form-data").status_code


def plan(client: Any, s: SimpleNamespace) -> int:
    return client.post(f"/groups/{s.g.id}/sessions/new", data={
        "type": "core.initial", "title": "Kick-off", "date": "2031-03-04", "time": "17:30",
        "duration_minutes": "90", "mode": "online", "location": "", "agenda": "",
        "mentee_id": "0"}).status_code


def refused(code: int) -> bool:
    return code in (403, 404)


@pytest.mark.parametrize("status", ["completed", "closed"])
def test_ended_group_is_read_only_for_mentor_and_mentee(space, login_as, status):
    set_group(space.g, status)
    mentor, mentee = login_as(space.mentor_a), login_as(space.mentee_a)
    assert reads(mentor, space) == [200] * 5
    assert reads(mentee, space) == [200] * 5
    assert refused(reply(mentee, space)) and refused(reply(mentor, space))
    assert refused(upload(mentor, space))
    assert refused(plan(mentor, space))
    assert db.session.scalar(db.select(db.func.count(MentoringSession.id))) == 0
    page = mentor.get(f"/groups/{space.g.id}").get_data(as_text=True)
    assert f"status-{status}" in page and "This group has ended" in page


def test_manager_keeps_writing_and_reopening_restores_members(space, login_as):
    set_group(space.g, "closed")
    manager = login_as(space.manager)
    assert reply(manager, space) == 302
    assert upload(manager, space) == 302
    assert plan(manager, space) == 302
    # the manager reopens the group from its page
    assert manager.post(f"/groups/{space.g.id}/status", data={"status": "active"}).status_code \
        == 302
    assert db.session.get(MentoringGroup, space.g.id).status == "active"
    mentor, mentee = login_as(space.mentor_a), login_as(space.mentee_a)
    assert reply(mentee, space) == 302
    assert upload(mentor, space) == 302
    assert plan(mentor, space) == 302


def test_extended_group_stays_writable(space, login_as):
    set_group(space.g, "extended")
    assert reply(login_as(space.mentee_a), space) == 302
    assert plan(login_as(space.mentor_a), space) == 302


def test_only_managers_set_the_status(space, login_as):
    url = f"/groups/{space.g.id}/status"
    assert refused(login_as(space.mentor_a).post(url, data={"status": "closed"}).status_code)
    assert db.session.get(MentoringGroup, space.g.id).status == "active"
    page = login_as(space.manager).get(f"/groups/{space.g.id}").get_data(as_text=True)
    assert 'name="status"' in page
    assert login_as(space.manager).post(url, data={"status": "bogus"}).status_code == 302
    assert db.session.get(MentoringGroup, space.g.id).status == "active"


@pytest.mark.parametrize("change", [{"ends_on": date.today() - timedelta(days=1)},
                                   {"status": "closed"}])
def test_ended_programme_makes_groups_read_only(space, login_as, change):
    prog = db.session.get(Programme, space.programme.id)
    prog.starts_on = date.today() - timedelta(weeks=10)
    for key, value in change.items():
        setattr(prog, key, value)
    db.session.commit()
    mentor, mentee = login_as(space.mentor_a), login_as(space.mentee_a)
    assert reads(mentor, space) == [200] * 5
    assert reads(mentee, space) == [200] * 5
    assert refused(reply(mentee, space))
    assert refused(upload(mentor, space))
    assert refused(plan(mentor, space))
    assert plan(login_as(space.manager), space) == 302


def test_programme_ending_today_is_still_open(space, login_as):
    db.session.get(Programme, space.programme.id).ends_on = date.today()
    db.session.commit()
    assert reply(login_as(space.mentee_a), space) == 302


def test_can_checks_writes_only(space):
    set_group(space.g, "closed")
    g = db.session.get(MentoringGroup, space.g.id)
    mentor = space.mentor_a
    assert can(mentor, "forum.view", space.programme.id, g)
    assert not can(mentor, "forum.reply", space.programme.id, g)
    assert not can(mentor, "forum.reply", None, g.id)  # a group id alone loads the group
    assert can(mentor, "core.manage_sessions", space.programme.id, g, as_reader=True)
    assert can(space.manager, "forum.reply", space.programme.id, g)
    assert can(space.admin, "forum.reply", space.programme.id, g)


def test_can_needs_no_query_when_group_and_programme_objects_are_given(space, queries):
    set_group(space.g, "closed")
    g = db.session.get(MentoringGroup, space.g.id)
    prog = db.session.get(Programme, space.programme.id)
    assert (g.status, prog.status) == ("closed", "active")  # both loaded before counting
    can(space.mentor_a, "forum.reply", prog, g)  # warm the role and group caches
    with queries() as counter:
        assert not can(space.mentor_a, "forum.reply", prog, g)
        assert not can(space.mentor_a, "documents.upload", prog, g)
    assert counter.count == 0


def test_ended_group_freezes_forum_posts_but_moderators_still_see_deleted_ones(space, login_as):
    from plugins.forum.models import Discussion, Post

    mentee, mentor = login_as(space.mentee_a), login_as(space.mentor_a)
    assert reply(mentee, space) == 302
    opening, answer = db.session.scalars(db.select(Post).where(
        Post.discussion_id == space.discussion_id).order_by(Post.id)).all()
    assert mentee.post(f"/forum/{space.forum.id}/posts/{answer.id}/delete").status_code == 302
    set_group(space.g, "closed")
    edit_url = f"/forum/{space.forum.id}/posts/{opening.id}/edit"
    # the author is still inside the edit window, but the group has ended
    resp = mentee.get(edit_url, follow_redirects=True)
    assert "This group or programme has ended" in resp.get_data(as_text=True)
    resp = mentee.post(edit_url, data={"body": "Changed", "title": "Hello", "version": "1",
                                       "action": "post"})
    assert resp.status_code == 200 and "This group or programme has ended" in resp.get_data(
        as_text=True)
    assert refused(mentee.post(f"/forum/{space.forum.id}/posts/{opening.id}/delete")
                   .status_code)
    assert refused(mentor.post(f"/forum/{space.forum.id}/posts/{opening.id}/delete")
                   .status_code)
    assert refused(mentor.post(f"/forum/{space.forum.id}/d/{space.discussion_id}/pin")
                   .status_code)
    db.session.expire_all()
    assert db.session.get(Post, opening.id).body_source == "First post"
    assert db.session.get(Post, opening.id).deleted_at is None
    assert db.session.get(Discussion, space.discussion_id).pinned is False
    page = mentee.get(f"/forum/{space.forum.id}/d/{space.discussion_id}").get_data(as_text=True)
    assert edit_url not in page
    # the mentor still reads what was deleted (a moderator's view), without the buttons
    page = mentor.get(f"/forum/{space.forum.id}/d/{space.discussion_id}").get_data(as_text=True)
    assert "A reply" in page and edit_url not in page
    assert f"/forum/{space.forum.id}/d/{space.discussion_id}/pin" not in page
    # the manager keeps moderating
    manager = login_as(space.manager)
    assert manager.post(f"/forum/{space.forum.id}/d/{space.discussion_id}/pin").status_code \
        == 302
