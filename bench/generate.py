"""Grow a demo database to ×10 or ×100 of the demo: programmes, groups, people,
forum posts, chat messages and events, written with bulk inserts.

    DATABASE_URL=postgresql://… .venv/bin/python bench/generate.py --scale 100

Run it after ``ementoring init`` and ``ementoring demo``. At ×100 it adds 100
programmes with 2 groups of 10 people each (2,000 people), 500,000 forum posts,
1,000,000 chat messages and 2,000,000 events; ×10 adds a tenth. A small share of
the posts and events lands in the demo programme's Group B (which the demo's
mentee does not see and its manager does), so the demo programme's own tables
grow too. Small rows go through the ORM; the bulk goes through COPY on
PostgreSQL (Core ``executemany`` inserts in batches elsewhere).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 20_000
PER_SCALE = {"posts": 5_000, "chat": 10_000, "events": 20_000}
EVENT_NAMES = ["post_created"] * 6 + ["chat_message_sent"] * 8 + [
    "file_uploaded", "session_planned", "session_held", "diary_submitted", "discussion_created"]
POST_HTML = ("<p>Thank you! I looked at the <strong>job offers</strong> you sent. Two of them "
             "fit; I will prepare my CV for both and send it here before Tuesday.</p>")


def _insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows: with COPY on PostgreSQL, else Core executemany in batches."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from psycopg.types.json import Json

        columns = list(rows[0])
        json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Json(row[c]) if c in json_columns else row[c]
                                for c in columns])
        return
    for i in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[i:i + BATCH])


def _structure(scale: int, password_hash: str) -> dict[str, Any]:
    """Programmes, sections, groups, people, memberships, a forum and a chat each."""
    from core.extensions import db
    from core.models import (
        Activity,
        GroupMember,
        Membership,
        MentoringGroup,
        Organisation,
        Programme,
        Section,
        User,
    )

    org = Organisation(name=f"Bench organisation ×{scale}")
    db.session.add(org)
    programmes, forums, chats, groups = [], [], [], []
    for p in range(scale):
        prog = Programme(organisation=org, title=f"Bench programme {p + 1}", language="en",
                         status="active")
        section = Section(programme=prog, title="Sessions", position=0)
        forum = Activity(section=section, programme=prog, type="forum", plugin="forum",
                         title="Group forum", group_mode="separate", position=0)
        chat = Activity(section=section, programme=prog, type="chat", plugin="chat",
                        title="Group chat", group_mode="separate", position=1)
        db.session.add_all([prog, section, forum, chat])
        programmes.append(prog)
        forums.append(forum)
        chats.append(chat)
        for g in range(2):
            group = MentoringGroup(programme=prog, name=f"Group {p + 1}-{g + 1}")
            db.session.add(group)
            groups.append((prog, forum, chat, group))
    db.session.flush()
    people: dict[int, list[int]] = {}
    users = []
    for prog, _forum, _chat, group in groups:
        members = []
        for i in range(10):
            user = User(email=f"bench{group.id}-{i}@bench.ementoring.test",
                        display_name=f"Person {group.id}-{i}", password_hash=password_hash)
            users.append(user)
            members.append((user, "mentor" if i == 0 else "mentee"))
        db.session.add_all(u for u, _r in members)
        db.session.flush()
        for user, role in members:
            db.session.add(Membership(user_id=user.id, programme_id=prog.id, role=role))
            db.session.add(GroupMember(group_id=group.id, user_id=user.id, role=role))
        people[group.id] = [u.id for u, _r in members]
    db.session.commit()
    return {"groups": [(p.id, f.id, c.id, g.id) for p, f, c, g in groups], "people": people}


def _demo_group_b() -> tuple[int, int, int, int, list[int]] | None:
    """The demo programme's Group B with its forum, chat and members, if present."""
    from core.extensions import db
    from core.models import Activity, GroupMember, MentoringGroup

    group = db.session.scalar(db.select(MentoringGroup).where(MentoringGroup.name == "Group B")
                              .order_by(MentoringGroup.id))
    if group is None:
        return None
    acts = db.session.scalars(db.select(Activity).where(
        Activity.programme_id == group.programme_id,
        Activity.type.in_(("forum", "chat")), Activity.group_mode == "separate")).all()
    forum = next((a.id for a in acts if a.type == "forum"), None)
    chat = next((a.id for a in acts if a.type == "chat"), None)
    if forum is None or chat is None:
        return None
    members = list(db.session.scalars(db.select(GroupMember.user_id).where(
        GroupMember.group_id == group.id)))
    return group.programme_id, forum, chat, group.id, members


def generate(scale: int, seed: int = 14) -> dict[str, int]:
    """Add ×``scale`` of the demo's volume to the app's database; returns row counts."""
    from core.auth.passwords import hash_password
    from core.extensions import db
    from core.models import Event, utcnow
    from plugins.chat.models import ChatMessage
    from plugins.forum.models import Discussion, Post

    rng = random.Random(seed)
    built = _structure(scale, hash_password("bench-Password-2026!"))
    places = [(p, f, c, g, built["people"][g]) for p, f, c, g in built["groups"]]
    demo = _demo_group_b()
    n_posts, n_chat, n_events = (PER_SCALE[k] * scale for k in ("posts", "chat", "events"))
    start = utcnow() - timedelta(days=120)

    def place(i: int) -> tuple[int, int, int, int, list[int]]:
        # one in fifty rows goes to the demo programme's Group B
        if demo is not None and i % 50 == 0:
            return demo
        return places[i % len(places)]

    # discussions: 20 per group, posts spread over them
    discussions: dict[int, list[int]] = {}
    engine = db.engine
    with engine.begin() as conn:
        targets = places + ([demo] if demo else [])
        rows = []
        for pid, fid, _cid, gid, members in targets:
            for d in range(20):
                rows.append({"activity_id": fid, "programme_id": pid, "group_id": gid,
                             "title": f"Bench discussion {gid}-{d}", "author_id": members[0],
                             "pinned": False, "locked": False, "reply_count": 0,
                             "last_post_at": start, "created_at": start})
        _insert(conn, Discussion.__table__, rows)
        for did, gid in conn.execute(db.select(Discussion.id, Discussion.group_id).where(
                Discussion.title.like("Bench discussion %"))):
            discussions.setdefault(gid, []).append(did)
        posts = []
        for i in range(n_posts):
            pid, _fid, _cid, gid, members = place(i)
            when = start + timedelta(seconds=i * 10)
            posts.append({"discussion_id": rng.choice(discussions[gid]),
                          "author_id": rng.choice(members), "body_source": "Thank you!",
                          "body_html": POST_HTML, "version": 1, "created_at": when})
        _insert(conn, Post.__table__, posts)
        del posts
        conn.execute(Discussion.__table__.update().where(
            Discussion.title.like("Bench discussion %")).values(
            last_post_id=db.select(db.func.max(Post.id)).where(
                Post.discussion_id == Discussion.id).scalar_subquery(),
            reply_count=db.select(db.func.count(Post.id)).where(
                Post.discussion_id == Discussion.id).scalar_subquery()))
    with engine.begin() as conn:
        chat = []
        for i in range(n_chat):
            pid, _fid, cid, gid, members = place(i)
            chat.append({"room": f"a{cid}g{gid}", "activity_id": cid, "group_id": gid,
                         "author_id": rng.choice(members), "client_id": f"bench-{i}",
                         "body": "See you on Thursday at 14:00!",
                         "created_at": start + timedelta(seconds=i * 5)})
            if len(chat) >= BATCH:
                _insert(conn, ChatMessage.__table__, chat)
                chat = []
        _insert(conn, ChatMessage.__table__, chat)
    with engine.begin() as conn:
        events = []
        for i in range(n_events):
            pid, _fid, _cid, gid, members = place(i)
            name = EVENT_NAMES[i % len(EVENT_NAMES)]
            data = {"present": 2, "expected": 3} if name == "session_held" else {}
            events.append({"name": name, "actor_id": rng.choice(members), "programme_id": pid,
                           "group_id": gid, "data": data,
                           "created_at": start + timedelta(seconds=i * 3)})
            if len(events) >= BATCH:
                _insert(conn, Event.__table__, events)
                events = []
        _insert(conn, Event.__table__, events)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return {"groups": len(places), "people": sum(len(m) for *_x, m in places),
            "posts": n_posts, "chat messages": n_chat, "events": n_events}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, choices=[10, 100], required=True)
    args = parser.parse_args()
    from core import create_app

    app = create_app()
    began = time.monotonic()
    with app.app_context():
        counts = generate(args.scale)
    print(f"×{args.scale}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
          + f" in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
