"""The mixed workload of bench/pages.py: 20 people over 10 discussions, their course
page and dashboard, one request in ten writing (a forum reply or a diary entry).

``prepare`` adds the people and discussions to the demo (in-process, before the
servers start); ``run`` logs everyone in over HTTP and loads the server from one
thread per person, each with its own keep-alive connection, for a given time.
"""

from __future__ import annotations

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

PEOPLE = 20
DISCUSSIONS = 10
POSTS_EACH = 20
WRITE_SHARE = 0.10


def prepare(app: Any, password: str) -> dict[str, Any]:
    """Add 20 mentees to the demo's Group A and 10 discussions of 20 posts to its
    forum; return the paths and forms the workload uses."""
    from datetime import timedelta

    from core.cli import create_user
    from core.extensions import db
    from core.models import Activity, GroupMember, Membership, MentoringGroup, utcnow
    from core.sessions.models import MentoringSession
    from core.text import render_markdown
    from plugins.forum.models import Discussion, Post

    with app.app_context():
        forum = db.session.scalar(db.select(Activity).where(
            Activity.type == "forum", Activity.group_mode == "separate"))
        group = db.session.scalar(db.select(MentoringGroup).where(
            MentoringGroup.programme_id == forum.programme_id,
            MentoringGroup.name == "Group A"))
        users = []
        for i in range(PEOPLE):
            user = create_user(f"mixed{i}@bench.ementoring.test", f"Mixed person {i}", password)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, programme_id=forum.programme_id,
                                      role="mentee"))
            db.session.add(GroupMember(group_id=group.id, user_id=user.id, role="mentee"))
            users.append(user)
        db.session.flush()
        start = utcnow() - timedelta(days=5)
        discussions = []
        for d in range(DISCUSSIONS):
            disc = Discussion(activity_id=forum.id, programme_id=forum.programme_id,
                              group_id=group.id, title=f"Mixed topic {d + 1}",
                              author_id=users[d].id, last_post_at=start, reply_count=0)
            db.session.add(disc)
            db.session.flush()
            last = None
            for p in range(POSTS_EACH):
                body = f"Post {p + 1} about topic {d + 1}: **CV**, interviews and next steps."
                last = Post(discussion_id=disc.id, author_id=users[(d + p) % PEOPLE].id,
                            body_source=body, body_html=render_markdown(body),
                            created_at=start + timedelta(minutes=p))
                db.session.add(last)
            db.session.flush()
            disc.reply_count, disc.last_post_id = POSTS_EACH - 1, last.id
            disc.last_post_at, disc.last_author_id = last.created_at, last.author_id
            discussions.append(f"/forum/{forum.id}/d/{disc.id}")
        diary = db.session.scalar(db.select(Activity).where(
            Activity.programme_id == forum.programme_id, Activity.type == "monitoring.diary"))
        held = db.session.scalar(db.select(MentoringSession).where(
            MentoringSession.group_id == group.id, MentoringSession.status == "held")
            .order_by(MentoringSession.id))
        db.session.commit()
        return {
            "emails": [u.email for u in users],
            "discussions": discussions,
            "course": f"/p/{forum.programme_id}",
            "diary": (f"/monitoring/{diary.id}/diary/{group.id}/{held.id}"
                      if diary is not None and held is not None else None),
        }


class Browser:
    """One person's keep-alive connection with their cookies."""

    def __init__(self, host: str) -> None:
        h, p = host.split(":")
        self.conn = http.client.HTTPConnection(h, int(p), timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        for c in resp.headers.get_all("Set-Cookie") or []:
            k, v = c.split(";", 1)[0].split("=", 1)
            self.cookies[k] = v
        return resp.status, text

    def login(self, email: str, password: str) -> str:
        """Log in through the form; return the session's CSRF token for later forms."""
        _status, page = self.request("GET", "/login")
        token = _csrf(page)
        status, _text = self.request("POST", "/login", {"email": email, "password": password,
                                                        "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"login of {email} answered {status}")
        _status, page = self.request("GET", "/dashboard")
        return _csrf(page)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else ""


@dataclass
class Outcome:
    """What the workload did."""

    requests: int = 0
    writes: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(host: str, plan: dict[str, Any], password: str, duration: float) -> Outcome:
    """Load the server with the mixed workload for ``duration`` seconds."""
    browsers = []
    for email in plan["emails"]:
        b = Browser(host)
        b.csrf = b.login(email, password)
        browsers.append(b)
    outcome = Outcome()
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def person(i: int, b: Browser) -> None:
        rng = random.Random(i)
        mine = plan["discussions"][i % len(plan["discussions"])]
        n = 0
        while time.monotonic() < stop:
            n += 1
            write = rng.random() < WRITE_SHARE
            began = time.perf_counter()
            try:
                if write and (n % 2 or plan["diary"] is None):
                    status, _t = b.request("POST", mine + "/reply", {
                        "csrf_token": b.csrf, "body": f"Reply {n} from person {i}: thanks!"})
                elif write:
                    status, _t = b.request("POST", plan["diary"], {
                        "csrf_token": b.csrf, "what_we_did": "CV and interview practice",
                        "what_i_learned": f"Entry {n}: how to answer hard questions",
                        "next_step": "Send two applications", "feeling": "4", "notes": ""})
                else:
                    path = rng.choice([mine, mine, plan["course"], "/dashboard"])
                    status, _t = b.request("GET", path)
                ok = status == 302 if write else status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                b.conn.close()
            took = time.perf_counter() - began
            with lock:
                outcome.requests += 1
                outcome.writes += write
                outcome.errors += not ok
                outcome.latencies.append(took)

    began = time.monotonic()
    threads = [threading.Thread(target=person, args=(i, b)) for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome.seconds = time.monotonic() - began
    return outcome


def summary(outcome: Outcome) -> str:
    """One line about a run."""
    med = statistics.median(outcome.latencies) * 1000 if outcome.latencies else 0.0
    return (f"{outcome.requests} requests ({outcome.writes} writing) in {outcome.seconds:.0f} s,"
            f" {outcome.rps:.0f} req/s, p50 {med:.1f} ms, p99 {outcome.percentile(0.99):.1f} ms,"
            f" {outcome.errors} errors")
