"""Measure pages of the real app under concurrent load, next to a bare Flask page.

    .venv/bin/python bench/pages.py [--duration 10] [--connections 8] [--tool auto]
        [--database-url postgresql://…] [--scales 1,10,100]

Builds a fresh database (SQLite in a temporary folder, or ``--database-url``, whose
schema it drops and recreates) with ``ementoring init`` and ``ementoring demo``,
adds a discussion of 200 posts to the demo's group forum and the mixed workload's
people and discussions (bench/mixed.py), starts the real app and
bench/bare_app.py under gunicorn with the same settings (2 threaded workers, 4
threads each), logs in with a session cookie and loads, one after the other: the
discussion page, the course page, the dashboard, the mixed workload, and bare
Flask pages of 20 KB and of the discussion page's size. Prints requests per
second, p50/p99 latency, SQL statements per page and the ratio to bare Flask.
Then, for each further ``--scales`` entry, grows the data (bench/generate.py) and
reports each page's time for one request at each size. Everything runs on the
loopback interface and ends when the script does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import mixed  # noqa: E402
from loadgen import Result, run_python, run_wrk, wrk_available  # noqa: E402

PASSWORD = "bench-Password-2026!"
USER = "mentee1@demo.ementoring.test"
MANAGER = "manager@demo.ementoring.test"
BARE_SIZE = 20 * 1024
TARGETS = {"discussion": 0.08, "course": 0.12, "dashboard": 0.12, "mixed": 0.10}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp: Path, database_url: str | None = None) -> dict[str, str]:
    """Environment of the CLI, the app under gunicorn and this process."""
    instance = tmp / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAIL_SERVER", "REDIS_URL", "FLASK_DEBUG")}
    env.update(EMENTORING_INSTANCE=str(instance),
               DATABASE_URL=database_url or f"sqlite:///{instance / 'bench.sqlite'}",
               SECRET_KEY=secrets.token_hex(32), PYTHONUNBUFFERED="1",
               PYTHONPATH=str(ROOT))
    return env


def empty_database(url: str) -> None:
    """Drop every table of a PostgreSQL database given by ``--database-url``."""
    import psycopg

    url = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def build_database(env: dict[str, str]) -> None:
    """``ementoring init`` and ``ementoring demo`` into the fresh instance."""
    if env["DATABASE_URL"].startswith("postgres"):
        empty_database(env["DATABASE_URL"])
    cli = [sys.executable, "-m", "core.cli"]
    for args in (["init", "--no-admin"], ["demo", "--password", PASSWORD]):
        done = subprocess.run(cli + args, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"ementoring {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


BODIES = [
    "Thank you, {name}! I looked at the **job offers** you sent. Two of them fit: the "
    "warehouse coordinator in Brno and the logistics assistant. I will prepare my CV for "
    "both and send it here before Tuesday.",
    "> {quote}\n\nGood point. For the interview practice, please bring:\n\n- your CV\n"
    "- one job advert you like\n- three questions you would ask the employer\n\n"
    "We will record a short mock interview and look at it together.",
    "I filled in the *self-assessment* form. Strengths: reliable, good with numbers, "
    "forklift licence. I want to improve my Czech for interviews. Is it fine to attach "
    "the form as PDF? See [the guide](https://example.org/guide) for what to write.",
    "Reminder for everyone: our next session is on **Thursday at 14:00**, online. The "
    "chat opens ten minutes earlier. If you cannot come, write here so that we can find "
    "another time.",
]


def add_discussion(env: dict[str, str], n_posts: int) -> dict[str, Any]:
    """Add a discussion of ``n_posts`` posts (markdown rendered on write, some with
    attachments, replies quoting earlier posts) to the demo's group forum."""
    os.environ.update(env)
    from datetime import timedelta

    from core import create_app
    from core.extensions import db
    from core.models import Activity, MentoringGroup, Programme, User, utcnow
    from core.storage import save_bytes
    from core.text import render_markdown
    from plugins.forum.models import Attachment, Discussion, Post

    app = create_app()
    with app.app_context():
        forum = db.session.scalar(db.select(Activity).where(
            Activity.type == "forum", Activity.group_mode == "separate"))
        if forum is None:
            sys.exit("The demo has no separate-per-group forum.")
        group = db.session.scalar(db.select(MentoringGroup).where(
            MentoringGroup.programme_id == forum.programme_id,
            MentoringGroup.name == "Group A"))
        people = {u.email.split("@")[0]: u for u in db.session.scalars(db.select(User))}
        authors = [people["mentor1"], people["mentee1"], people["mentee2"]]
        start = utcnow() - timedelta(days=20)
        discussion = Discussion(activity_id=forum.id, programme_id=forum.programme_id,
                                group_id=group.id, title="Weekly check-in (long thread)",
                                author_id=authors[0].id, last_post_at=start, reply_count=0)
        db.session.add(discussion)
        db.session.flush()
        posts: list[Any] = []
        for i in range(n_posts):
            author = authors[i % len(authors)]
            quote = posts[i - 1].body_source.splitlines()[0][:80] if posts else ""
            body = BODIES[i % len(BODIES)].format(name=authors[(i + 1) % 3].display_name,
                                                  quote=quote)
            post = Post(discussion_id=discussion.id, author_id=author.id, body_source=body,
                        body_html=render_markdown(body),
                        created_at=start + timedelta(minutes=30 * i),
                        parent_id=posts[-1].id if posts and i % 4 == 1 else None)
            if i % 10 == 2:
                pdf = b"%PDF-1.4\n% bench attachment\n%%EOF\n"
                sf = save_bytes(pdf, f"self-assessment-{i}.pdf", plugin="forum",
                                programme=forum.programme_id, user=author)
                post.attachments.append(Attachment(file=sf))
            db.session.add(post)
            db.session.flush()
            posts.append(post)
        discussion.reply_count = n_posts - 1
        discussion.last_post_id = posts[-1].id
        discussion.last_post_at = posts[-1].created_at
        db.session.commit()
        programme = db.session.get(Programme, forum.programme_id)
        paths = {
            "discussion": f"/forum/{forum.id}/d/{discussion.id}",
            "course": f"/p/{programme.id}",
            "dashboard": "/dashboard",
        }
        monitoring = f"/monitoring/p/{programme.id}/dashboard"
    plan = mixed.prepare(app, PASSWORD)
    # outside the set-up's app context: each request gets a fresh session, as in production
    return {"paths": paths, "queries": count_queries(app, paths), "app": app, "plan": plan,
            "monitoring": monitoring}


def _login_test_client(app: Any, email: str = USER) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    resp = client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": token.group(1) if token else ""})
    if resp.status_code != 302:
        sys.exit("Logging in with the test client failed.")
    return client


def cpu_ms(client: Any, path: str, runs: int = 30) -> float:
    """Median CPU time of one request in this process (insensitive to other load)."""
    import statistics

    client.get(path)
    times = []
    for _ in range(runs):
        start = time.thread_time()
        client.get(path)
        times.append(time.thread_time() - start)
    return statistics.median(times) * 1000


def count_queries(app: Any, paths: dict[str, str]) -> dict[str, dict[str, Any]]:
    """SQL statements, bytes and CPU time of each page, for a logged-in user's second
    visit (each request in its own app context and session, as under gunicorn)."""
    from sqlalchemy import event

    from core.extensions import db

    client = _login_test_client(app)
    with app.app_context():
        engine = db.engine
    found = {}
    for name, path in paths.items():
        client.get(path)  # the first visit may write a read mark
        statements: list[str] = []

        def _count(*args: Any, _s: list = statements) -> None:
            _s.append(args[2])

        event.listen(engine, "before_cursor_execute", _count)
        try:
            resp = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", _count)
        if resp.status_code != 200:
            sys.exit(f"{path} answered {resp.status_code} in the test client.")
        found[name] = {"queries": len(statements), "bytes": len(resp.data),
                       "cpu": cpu_ms(client, path)}
    return found


def page_times(app: Any, pages: dict[str, tuple[str, str]], runs: int = 15
               ) -> dict[str, dict[str, Any]]:
    """Median wall time (ms) and SQL statements of one request for each page
    (``{label: (email, path)}``), one request after another, in this process."""
    from sqlalchemy import event

    from core.extensions import db

    with app.app_context():
        engine = db.engine
    clients: dict[str, Any] = {}
    found = {}
    for label, (email, path) in pages.items():
        client = clients.get(email) or clients.setdefault(email, _login_test_client(app, email))
        client.get(path)
        statements: list[str] = []

        def _count(*args: Any, _s: list = statements) -> None:
            _s.append(args[2])

        event.listen(engine, "before_cursor_execute", _count)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", _count)
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - began)
        times.sort()
        found[label] = {"ms": times[len(times) // 2] * 1000, "queries": len(statements),
                        "status": status}
    return found


def growth_table(sizes: dict[int, dict[str, dict[str, Any]]]) -> str:
    """Each page's time for one request (ms) and statements at each data size."""
    scales = sorted(sizes)
    labels = list(sizes[scales[0]])
    head = f"{'page':<28}" + "".join(f"{'x' + str(k) + ' ms':>11}{'stmts':>7}" for k in scales)
    head += f"{'x' + str(scales[-1]) + '/x1':>9}"
    lines = [head, "-" * len(head)]
    for label in labels:
        row = f"{label:<28}"
        for k in scales:
            r = sizes[k][label]
            row += f"{r['ms']:>11.1f}{r['queries']:>7}"
        first, last = sizes[scales[0]][label]["ms"], sizes[scales[-1]][label]["ms"]
        row += f"{last / first:>9.2f}" if first else ""
        lines.append(row)
    return "\n".join(lines)


def bare_cpu_ms(size: int) -> float:
    """CPU time of the bare Flask page of ``size`` bytes, measured the same way."""
    from bare_app import app as bare

    return cpu_ms(bare.test_client(), f"/page/{size}")


@contextmanager
def gunicorn(env: dict[str, str], app_spec: str, port: int, workers: int, threads: int,
             chdir: Path | None = None):
    """Run gunicorn with threaded workers on the loopback; stop it afterwards."""
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread",
           "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           "--keep-alive", "30"]
    if chdir:
        cmd += ["--chdir", str(chdir)]
    log = open(Path(env["EMENTORING_INSTANCE"]) / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd + [app_spec], env=env, cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_for(port, proc)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    import http.client

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn on port {port} did not start")


def http_login(host: str) -> str:
    """Log in through the real login form as a browser does; return the Cookie header."""
    import http.client
    from urllib.parse import urlencode

    h, p = host.split(":")
    conn = http.client.HTTPConnection(h, int(p), timeout=10)
    cookies: dict[str, str] = {}

    def exchange(method: str, path: str, body: str | None = None) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.text = resp.read().decode()
        for c in resp.headers.get_all("Set-Cookie") or []:
            k, v = c.split(";", 1)[0].split("=", 1)
            cookies[k] = v
        return resp

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', exchange("GET", "/login").text)
    resp = exchange("POST", "/login", urlencode({
        "email": USER, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}))
    if resp.status != 302 or "session" not in cookies:
        sys.exit(f"Logging in over HTTP failed ({resp.status}).")
    # follow the redirect, keeping the cookie the first page sets (it carries the
    # session's CSRF secret, which the login cleared)
    exchange("GET", resp.headers["Location"])
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def measure(tool: str, host: str, path: str, cookie: str | None, args: Any) -> Result:
    """Warm up, then load ``path`` for the configured time."""
    runner = run_wrk if tool == "wrk" else run_python
    runner(host, path, cookie, duration=min(2.0, args.duration), connections=args.connections)
    return runner(host, path, cookie, duration=args.duration, connections=args.connections)


def choose_tool(wanted: str) -> str:
    if wanted == "python":
        return "python"
    if wrk_available():
        return "wrk"
    if wanted == "wrk":
        if os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                           stdout=subprocess.DEVNULL)
        if wrk_available():
            return "wrk"
        sys.exit("wrk is not installed and could not be installed with apt-get.")
    return "python"


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a fixed-width table."""
    head = (f"{'page':<22}{'bytes':>8}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'queries':>8}"
            f"{'vs 20KB':>8}{'vs same':>8}{'target':>7}{'ok':>4}{'cpu ms':>8}{'cpu x':>7}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['page']:<22}{r['bytes']:>8}{r['rps']:>8.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r.get('queries', '-'):>8}{r.get('ratio_20k', ''):>8}{r.get('ratio_same', ''):>8}"
            f"{r.get('target', ''):>7}{r.get('ok', ''):>4}{r.get('cpu', 0):>8.2f}"
            f"{r.get('cpu_x', ''):>7}{r.get('errors', 0):>7}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--tool", choices=["auto", "python", "wrk"], default="auto",
                        help="load generator: wrk if installed (auto), or Python threads")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL database to use (its schema is dropped first)")
    parser.add_argument("--scales", default="1",
                        help="data sizes to report page times at, e.g. 1,10,100")
    parser.add_argument("--no-load", action="store_true",
                        help="skip the load runs; only the page times at each size")
    args = parser.parse_args()
    scales = sorted({int(x) for x in args.scales.split(",")} | {1})
    args.duration = max(1.0, min(args.duration, 120.0))
    args.connections = max(1, min(args.connections, 64))
    tool = choose_tool(args.tool)
    tmp = Path(tempfile.mkdtemp(prefix="ementoring-bench-"))
    try:
        env = environment(tmp, args.database_url)
        print(f"Building the demo database ({env['DATABASE_URL'].split(':')[0]}) …",
              flush=True)
        build_database(env)
        facts = add_discussion(env, args.posts)
        paths, counts = facts["paths"], facts["queries"]
        timed = {"discussion 200 posts (mentee)": (USER, paths["discussion"]),
                 "course page (mentee)": (USER, paths["course"]),
                 "course page (manager)": (MANAGER, paths["course"]),
                 "dashboard (mentee)": (USER, paths["dashboard"]),
                 "dashboard (manager)": (MANAGER, paths["dashboard"]),
                 "monitoring (manager)": (MANAGER, facts["monitoring"]),
                 "monitoring CSV (manager)": (MANAGER, facts["monitoring"] + ".csv")}
        sizes = {1: page_times(facts["app"], timed)}
        rows: list[dict[str, Any]] = []
        if not args.no_load:
            rows = load_rows(env, tool, paths, counts, facts["plan"], args)
        grown = 1
        for scale in scales[1:]:
            from generate import generate

            print(f"Growing the data to x{scale} …", flush=True)
            began = time.monotonic()
            with facts["app"].app_context():
                generate(scale - grown, seed=scale)
            grown = scale
            print(f"  took {time.monotonic() - began:.0f} s", flush=True)
            sizes[scale] = page_times(facts["app"], timed)
        print()
        if rows:
            print(table(rows))
            print("\nTargets: the discussion page against the bare page of the same size; "
                  "the course page, the dashboard and the mixed workload against the 20 KB "
                  "bare page.\ncpu ms: median CPU time of one request measured in this process "
                  "(not disturbed by other load on the machine); cpu x: that time over the "
                  "bare page's.")
            print("errors: responses other than 200 (302 for writes) plus socket errors and "
                  "timeouts as reported by the load generator.")
        print("\nOne request at a time, in-process (median of 15, ms) at each data size:")
        print(growth_table(sizes))
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (out / f"pages-{stamp}.json").write_text(json.dumps(
            {"tool": tool, "args": vars(args), "rows": rows, "sizes": sizes}, indent=2))
    finally:
        if args.keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def load_rows(env: dict[str, str], tool: str, paths: dict[str, str],
              counts: dict[str, dict[str, Any]], plan: dict[str, Any], args: Any
              ) -> list[dict[str, Any]]:
    """Load the bare pages, then the app's pages and the mixed workload."""
    same = counts["discussion"]["bytes"]
    rows: list[dict[str, Any]] = []
    app_port, bare_port = free_port(), free_port()
    print(f"Load: {tool}, {args.connections} connections, {args.duration:.0f} s per "
          f"page; gunicorn -w {args.workers} -k gthread --threads {args.threads}",
          flush=True)
    with gunicorn(env, "bare_app:app", bare_port, args.workers, args.threads,
                  chdir=ROOT / "bench") as bare:
        for label, size in ((f"bare Flask {BARE_SIZE // 1024} KB", BARE_SIZE),
                            ("bare Flask same size", same)):
            res = measure(tool, bare, f"/page/{size}", None, args)
            rows.append({"page": label, "bytes": res.bytes_per_response or size,
                         "rps": res.rps, "p50": res.p50, "p99": res.p99,
                         "errors": res.errors, "cpu": bare_cpu_ms(size)})
    bare_20k, bare_same = rows[0]["rps"], rows[1]["rps"]
    with gunicorn(env, "core:create_app()", app_port, args.workers, args.threads) as host:
        cookie = http_login(host)
        for name in ("discussion", "course", "dashboard"):
            res = measure(tool, host, paths[name], cookie, args)
            base = bare_same if name == "discussion" else bare_20k
            ratio = res.rps / base if base else 0.0
            base_cpu = rows[1]["cpu"] if name == "discussion" else rows[0]["cpu"]
            rows.append({
                "cpu": counts[name]["cpu"],
                "cpu_x": f"{counts[name]['cpu'] / base_cpu:.0f}x" if base_cpu else "-",
                "page": f"{name} ({paths[name]})"[:21], "bytes": counts[name]["bytes"],
                "rps": res.rps, "p50": res.p50, "p99": res.p99, "errors": res.errors,
                "queries": counts[name]["queries"],
                "ratio_20k": f"{res.rps / bare_20k:.0%}" if bare_20k else "-",
                "ratio_same": (f"{res.rps / bare_same:.0%}" if bare_same else "-")
                if name == "discussion" else "-",
                "target": f"{TARGETS[name]:.0%}", "ok": "yes" if ratio >= TARGETS[name]
                else "NO",
            })
        outcome = mixed.run(host, plan, PASSWORD, args.duration)
        ratio = outcome.rps / bare_20k if bare_20k else 0.0
        rows.append({
            "page": "mixed (20 people, 10% w)", "bytes": 0, "rps": outcome.rps,
            "p50": outcome.percentile(0.5), "p99": outcome.percentile(0.99),
            "errors": outcome.errors, "queries": "-",
            "ratio_20k": f"{ratio:.0%}", "ratio_same": "-",
            "target": f"{TARGETS['mixed']:.0%}", "ok": "yes" if ratio >= TARGETS["mixed"]
            else "NO", "writes": outcome.writes,
        })
        print(f"mixed: {mixed.summary(outcome)}", flush=True)
    return rows


if __name__ == "__main__":
    main()
