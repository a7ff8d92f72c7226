"""Measure how much a large upload grows the memory of the gunicorn worker.

    .venv/bin/python bench/upload_memory.py [--size-mb 50] [--size-mb 10] [--keep]

Builds a fresh SQLite demo instance in a temporary folder (``ementoring init`` and
``ementoring demo``), raises the demo programme's document size limit (and lifts the
file store's upload rate and quotas),
starts the real app (``core:create_app()``) under gunicorn with one threaded worker
on the loopback (``UPLOAD_MAX_MB=100``), logs in as the demo's mentor through the
real login form, and uploads PDFs to Group A's upload folder through the folder
page's real upload form (CSRF token included). The request body is generated and
streamed in 64 KB pieces, so the client holds no more than that in memory.

Before and after each upload it reads the worker's ``VmRSS`` from
``/proc/<pid>/status``; the peak during the upload is ``VmHWM`` after resetting
it through ``/proc/<pid>/clear_refs`` just before the upload. A small upload
first warms the worker up (imports, first request, template compilation). Prints
a table with the growth of the peak and the pass/fail against the project's
target (< 10 MB for a 50 MB file), and checks that the stored file has the size
and sha256 of what was sent. The target is checked for every size.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import secrets
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import PASSWORD, build_database, environment, free_port, gunicorn  # noqa: E402

USER = "mentor1@demo.ementoring.test"
UPLOAD_MAX_MB = 100
TARGET_MB = 10
MB = 1024 * 1024
PIECE = 64 * 1024
TIME_LIMIT = 600  # seconds for the whole run


# ---------------------------------------------------------------------------- set-up

def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Raise the demo programme's document limits; return the folder page's path and
    where the app keeps its files and database."""
    os.environ.update(env)
    from core import create_app
    from core.extensions import db
    from core.models import Activity, MentoringGroup, Programme

    app = create_app()
    with app.app_context():
        folder = db.session.scalar(db.select(Activity).where(
            Activity.type == "documents.folder").order_by(Activity.id))
        if folder is None:
            sys.exit("The demo has no document upload folder.")
        group = db.session.scalar(db.select(MentoringGroup).where(
            MentoringGroup.programme_id == folder.programme_id,
            MentoringGroup.name == "Group A"))
        programme = db.session.get(Programme, folder.programme_id)
        settings = dict(programme.settings or {})
        settings["documents"] = {**settings.get("documents", {}),
                                 "max_file_mb": UPLOAD_MAX_MB}
        programme.settings = settings
        db.session.commit()
        return {"page": f"/documents/folder/{folder.id}/groups/{group.id}",
                "storage": app.config["STORAGE_DIR"],
                "database": app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")}


def children(parent: int) -> list[int]:
    """Pids of the processes whose parent is ``parent``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after it
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry))
    return found


def worker_pid(timeout: float = 20) -> int:
    """The pid of gunicorn's (only) worker: the child of the master this script started."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for master in children(os.getpid()):
            try:
                cmdline = Path(f"/proc/{master}/cmdline").read_bytes()
            except OSError:
                continue
            if b"gunicorn" in cmdline:
                workers = children(master)
                if len(workers) == 1:
                    return workers[0]
        time.sleep(0.2)
    sys.exit("Could not find gunicorn's worker process.")


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024
    return found


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (Linux 4.0+, same user)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------------------- HTTP

class Session:
    """A cookie-keeping HTTP/1.1 connection to the app."""

    def __init__(self, host: str) -> None:
        h, p = host.split(":")
        self.host, self.port = h, int(p)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            headers = dict(headers or {})
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            for c in resp.headers.get_all("Set-Cookie") or []:
                k, v = c.split(";", 1)[0].split("=", 1)
                self.cookies[k] = v
            return resp.status, dict(resp.headers), text
        finally:
            conn.close()


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not match:
        sys.exit("No CSRF token on the page.")
    return unescape(match.group(1))


def login(session: Session) -> None:
    """Log in through the real login form."""
    from urllib.parse import urlencode

    _status, _h, page = session.request("GET", "/login")
    body = urlencode({"email": USER, "password": PASSWORD, "csrf_token": csrf_token(page)})
    status, _h, _text = session.request(
        "POST", "/login", body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302 or "session" not in session.cookies:
        sys.exit(f"Logging in over HTTP failed ({status}).")


def upload_form(session: Session, page_path: str) -> tuple[str, str]:
    """The folder page's upload form: its action and CSRF token."""
    status, _h, page = session.request("GET", page_path)
    if status != 200:
        sys.exit(f"{page_path} answered {status}.")
    form = re.search(r'<form[^>]*action="([^"]*/upload)"[^>]*enctype="multipart/form-data"'
                     r'[^>]*>(.*?)</form>', page, re.S)
    if not form:
        sys.exit(f"No upload form on {page_path} (may {USER} upload there?).")
    return unescape(form.group(1)), csrf_token(form.group(2))


class PdfBody:
    """A multipart/form-data body with a PDF of ``size`` bytes (a valid header, then
    random padding), generated piece by piece; the sha256 is known once it is sent."""

    def __init__(self, fields: dict[str, str], name: str, size: int) -> None:
        self.boundary = "----bench" + secrets.token_hex(16)
        self.name, self.size = name, size
        parts = [f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                 f"{v}\r\n" for k, v in fields.items()]
        self.head = ("".join(parts) + f"--{self.boundary}\r\nContent-Disposition: form-data; "
                     f"name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf"
                     "\r\n\r\n").encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.sha256 = hashlib.sha256()
        self.sent = 0

    @property
    def length(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        first = b"%PDF-1.4\n% ementoring upload benchmark\n"
        left = self.size
        while left > 0:
            piece = (first + os.urandom(PIECE - len(first)))[:left] if first else \
                os.urandom(min(PIECE, left))
            first = b""
            self.sha256.update(piece)
            self.sent += len(piece)
            left -= len(piece)
            yield piece
        yield self.tail


def upload(session: Session, page_path: str, name: str, size: int) -> tuple[int, str]:
    """Upload a generated PDF through the folder page's form; return the status and
    the client-side sha256 of the file."""
    action, token = upload_form(session, page_path)
    body = PdfBody({"csrf_token": token, "template_id": "0", "title": "", "note": "bench"},
                   name, size)
    status, headers, text = session.request(
        "POST", action, body=iter(body),
        headers={"Content-Type": body.content_type, "Content-Length": str(body.length)})
    if status != 302:
        error = re.search(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', text)
        sys.exit(f"Uploading {name} answered {status}"
                 f"{': ' + error.group(1).strip() if error else ''}.")
    if body.sent != size:
        sys.exit(f"Sent {body.sent} bytes of {size}.")
    return status, body.sha256.hexdigest()


def stored(facts: dict[str, Any], name: str) -> dict[str, Any]:
    """The newest stored file of that name: its row and the size and sha256 on disk."""
    with sqlite3.connect(facts["database"]) as conn:
        row = conn.execute("SELECT storage_key, size, sha256 FROM stored_file WHERE "
                           "original_name = ? ORDER BY id DESC LIMIT 1", (name,)).fetchone()
    if row is None:
        sys.exit(f"No stored_file row for {name}.")
    key, size, sha = row
    path = Path(facts["storage"]) / key[:2] / key[2:4] / key
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(MB):
            digest.update(chunk)
    return {"row_size": size, "row_sha": sha, "disk_size": path.stat().st_size,
            "disk_sha": digest.hexdigest()}


# ---------------------------------------------------------------------------- run

def fmt(n: int) -> str:
    return f"{n / MB:.1f}"


def table(rows: list[dict[str, Any]]) -> str:
    head = (f"{'file MB':>8}{'RSS before':>12}{'RSS after':>11}{'RSS growth':>12}"
            f"{'peak growth':>13}{'target':>8}{'ok':>5}{'stored':>8}{'seconds':>9}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{fmt(r['size']):>8}{fmt(r['rss_before']):>12}{fmt(r['rss_after']):>11}"
            f"{fmt(r['rss_after'] - r['rss_before']):>12}{fmt(r['peak_growth']):>13}"
            f"{'<' + str(TARGET_MB):>8}{r['ok']:>5}{r['stored']:>8}{r['seconds']:>9.1f}")
    return "\n".join(lines)


def measure(session: Session, pid: int, facts: dict[str, Any], size: int,
            label: str) -> dict[str, Any]:
    name = f"{label}-{size // MB or size}.pdf"
    before = memory(pid)
    exact_peak = reset_peak(pid)
    if exact_peak:
        before = memory(pid)
    start = time.perf_counter()
    _status, sha = upload(session, facts["page"], name, size)
    seconds = time.perf_counter() - start
    after = memory(pid)
    # with a reset VmHWM the peak is that of this upload; without, only a rise above the
    # earlier peak shows, so the figure is a lower bound
    peak_growth = max(0, after["VmHWM"] - before["VmRSS"]) if exact_peak else \
        max(0, after["VmHWM"] - before["VmHWM"])
    found = stored(facts, name)
    ok_store = (found["row_size"] == found["disk_size"] == size
                and found["row_sha"] == found["disk_sha"] == sha)
    return {"size": size, "rss_before": before["VmRSS"], "rss_after": after["VmRSS"],
            "peak_growth": peak_growth, "exact_peak": exact_peak,
            "ok": "yes" if peak_growth < TARGET_MB * MB else "NO",
            "stored": "ok" if ok_store else "BAD", "seconds": seconds, "sha256": sha,
            "found": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, action="append",
                        help=f"file size in MB (repeatable; default 50, at most "
                             f"{UPLOAD_MAX_MB - 1})")
    parser.add_argument("--threads", type=int, default=4, help="threads of the gthread worker")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    sizes = [max(1, min(s, UPLOAD_MAX_MB - 1)) * MB for s in (args.size_mb or [50])]

    def _timeout(*_a: Any) -> None:
        raise TimeoutError(f"the benchmark took longer than {TIME_LIMIT} s")

    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT)
    tmp = Path(tempfile.mkdtemp(prefix="ementoring-upload-bench-"))
    try:
        env = environment(tmp)
        env["UPLOAD_MAX_MB"] = str(UPLOAD_MAX_MB)
        # the file store's rate and quotas must not refuse the measured uploads
        env.update(UPLOAD_RATE_FILES="0", UPLOAD_RATE_MB="0", UPLOAD_USER_QUOTA_MB="0",
                   UPLOAD_PROGRAMME_QUOTA_MB="0")
        # Werkzeug spools large form files to TMPDIR; keep them in the throwaway folder
        (tmp / "spool").mkdir()
        env["TMPDIR"] = str(tmp / "spool")
        print(f"Building the demo database in {tmp} …", flush=True)
        build_database(env)
        facts = prepare(env)
        port = free_port()
        print(f"gunicorn -w 1 -k gthread --threads {args.threads}, UPLOAD_MAX_MB="
              f"{UPLOAD_MAX_MB}; uploading as {USER} to {facts['page']}", flush=True)
        with gunicorn(env, "core:create_app()", port, 1, args.threads) as host:
            pid = worker_pid()
            session = Session(host)
            login(session)
            warm = measure(session, pid, facts, 2 * MB, "warm-up")
            if warm["stored"] != "ok":
                sys.exit("The warm-up upload was not stored correctly.")
            warm["ok"] = "-"  # not held against the target
            rows = [measure(session, pid, facts, size, "bench") for size in sizes]
            left = sorted(p.name for p in (tmp / "spool").iterdir())
        print()
        print(table([warm] + rows))
        print(f"\nworker pid {pid}; RSS before/after: VmRSS of the worker before the upload "
              "and after its response; peak growth: VmHWM after the upload minus VmRSS "
              "before it" + ("" if all(r["exact_peak"] for r in rows) else
                             " (VmHWM could not be reset: a lower bound)") + ".")
        print("The first row is the warm-up upload (not counted against the target).")
        for r in rows:
            f = r["found"]
            print(f"{fmt(r['size'])} MB: sent sha256 {r['sha256']}; stored row "
                  f"{f['row_size']} B {f['row_sha'][:16]}…, on disk {f['disk_size']} B "
                  f"{f['disk_sha'][:16]}… -> {r['stored']}")
        if left:
            print(f"Spooled files left in TMPDIR after the uploads: {left}")
        failed = [r for r in rows if r["ok"] != "yes" or r["stored"] != "ok"]
        sys.exit(1 if failed else 0)
    finally:
        signal.alarm(0)
        if args.keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
