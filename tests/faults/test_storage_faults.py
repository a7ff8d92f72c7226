"""The file store under faults, against real server processes.

A full disk (a real, small tmpfs as the store or as the temporary directory)
answers 507 with a plain message, keeps no partial file, tells the admins and
leaves the rest of the site working; a later upload works once space is freed.
A server killed (SIGKILL) while storing leaves an unfinished ``.upload-*`` file, or
stored files whose rows were never committed; ``ementoring storage sweep``
removes them once they are old enough, and never a file that has its row.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from core.extensions import db
from core.models import StoredFile
from tests.conftest import ROOT, free_port, server_env, wait_for_port
from tests.factories import PASSWORD

pytestmark = pytest.mark.faults

WAIT = 30.0
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KB, MB = 1024, 1024 * 1024
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
OUT_OF_SPACE = "The server is out of space: your file was not saved. Please tell your manager."


def _pdf(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


@contextmanager
def _server(app: Any, log: Path | None = None,
            **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """``ementoring run`` in its own process (its output into ``log``); yields its base
    URL and the process."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "run", "--port", str(port)],
                            env=server_env(app, **env), cwd=ROOT,
                            stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if log:
            out.close()


@contextmanager
def _tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real, small filesystem mounted at ``path`` (the tests run as root)."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                   check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _token(html: str) -> str:
    match = CSRF.search(html)
    assert match, html[:500]
    return match.group(1)


def _login(base: str, user: Any) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/login", timeout=WAIT)
    resp = s.post(f"{base}/login", data={"email": user.email, "password": PASSWORD,
                                         "csrf_token": _token(page.text)},
                  allow_redirects=False, timeout=WAIT)
    assert resp.status_code == 302, resp.text[:500]
    return s


def _post_file(s: requests.Session, base: str, page: str, action: str, field: str,
               name: str, data: bytes, **fields: str) -> requests.Response:
    """Submit a page's upload form with a CSRF token, as a browser would."""
    token = _token(s.get(f"{base}{page}", timeout=WAIT).text)
    return s.post(f"{base}{action}", data={"csrf_token": token, **fields},
                  files=[(field, (name, data, "application/pdf"))],
                  allow_redirects=False, timeout=120)


def _upload(s: requests.Session, base: str, folder: Any, group: Any, name: str, data: bytes,
            note: str = "") -> requests.Response:
    page = f"/documents/folder/{folder.id}/groups/{group.id}"
    return _post_file(s, base, page, page + "/upload", "file", name, data, note=note)


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _rows() -> int:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(db.select(db.func.count(StoredFile.id)))


def _sweep(app: Any, store: Path, *args: str) -> str:
    """Run ``ementoring storage sweep`` as an operator would; return its output."""
    done = subprocess.run([sys.executable, "-m", "core.cli", "storage", "sweep", *args],
                          env=server_env(app, STORAGE_DIR=str(store)), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def folder(world: dict, make: Any) -> Any:
    """A group upload folder of the test world that takes files up to 50 MB."""
    prog = world["programme"]
    prog.settings = {**(prog.settings or {}), "documents": {"max_file_mb": 50}}
    activity = make.activity(prog, "documents.folder", group_mode="separate", title="Toolbar")
    db.session.commit()
    return activity


# ------------------------------------------------------------------ full disk


def test_full_store_answers_507_and_keeps_nothing(app, world, folder, tmp_path):
    log = tmp_path / "server.log"
    with _tmpfs(tmp_path / "store", "2m") as store, \
            _server(app, log, STORAGE_DIR=str(store)) as (base, _proc):
        mentor = _login(base, world["mentor_a"])
        assert _upload(mentor, base, folder, world["group_a"], "first.pdf",
                       _pdf(100 * KB)).status_code == 302
        free = os.statvfs(store).f_bavail * os.statvfs(store).f_frsize
        (store / "filler").write_bytes(b"\0" * (free - 200 * KB))  # the disk is now full
        before_files, before_rows = _listing(store), _rows()

        resp = _upload(mentor, base, folder, world["group_a"], "contract.pdf", _pdf(600 * KB),
                       note="Signed by all three of us")
        assert resp.status_code == 507
        assert OUT_OF_SPACE in resp.text
        assert "Signed by all three of us" in resp.text  # the form, with what was typed
        assert _listing(store) == before_files  # no partial file, no .upload-*
        assert _rows() == before_rows
        assert "out of space: disk full where=store" in log.read_text()  # for operators

        # the rest of the site keeps working, and the admins are told
        assert mentor.get(f"{base}/", timeout=WAIT).status_code == 200
        admin = _login(base, world["admin"])
        page = admin.get(f"{base}/admin/", timeout=WAIT)
        assert page.status_code == 200
        assert "The disk of the file store is (nearly) full." in page.text
        assert "An upload was refused for lack of space" in page.text

        (store / "filler").unlink()
        resp = _upload(mentor, base, folder, world["group_a"], "contract.pdf", _pdf(600 * KB))
        assert resp.status_code == 302
        assert _rows() == before_rows + 1


def test_full_temporary_directory_answers_507(app, world, folder, tmp_path):
    store = tmp_path / "files"
    with _tmpfs(tmp_path / "tmp", "4m") as tmp, \
            _server(app, STORAGE_DIR=str(store), TMPDIR=str(tmp)) as (base, _proc):
        mentor = _login(base, world["mentor_a"])
        filler = tmp / "filler"
        free = os.statvfs(tmp).f_bavail * os.statvfs(tmp).f_frsize
        filler.write_bytes(b"\0" * (free - 300 * KB))
        before_rows = _rows()

        # a form over 500 KB is received into the temporary directory, which is full
        resp = _upload(mentor, base, folder, world["group_a"], "scan.pdf", _pdf(2 * MB))
        assert resp.status_code == 507
        assert OUT_OF_SPACE in resp.text
        assert _listing(tmp) == {"filler"}
        assert _rows() == before_rows
        assert not [p for p in _listing(store) if ".upload-" in p]
        assert mentor.get(f"{base}/", timeout=WAIT).status_code == 200

        filler.unlink()
        assert _upload(mentor, base, folder, world["group_a"], "scan.pdf",
                       _pdf(2 * MB)).status_code == 302
        assert _rows() == before_rows + 1


# ------------------------------------------------------------------ killed while storing


def _kill_when(proc: subprocess.Popen, store: Path, ready: Any, send: Any) -> None:
    """Run ``send`` in a thread and SIGKILL the server as soon as ``ready(files)``
    holds for the store's file names; fail if the upload finished first."""
    outcome: dict[str, Any] = {}

    def _send() -> None:
        try:
            outcome["response"] = send()
        except requests.RequestException as err:
            outcome["error"] = err

    thread = threading.Thread(target=_send)
    thread.start()
    deadline = time.monotonic() + 120
    while thread.is_alive() and time.monotonic() < deadline:
        if ready(_listing(store)):
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.0005)
    thread.join(timeout=30)
    proc.wait(timeout=10)
    assert "response" not in outcome, "the upload finished before the server was killed"


def _temporary(files: set[str]) -> list[str]:
    return [f for f in files if Path(f).name.startswith(".upload-")]


def test_kill_during_storing_leaves_a_temporary_file_the_sweep_removes(app, world, folder,
                                                                       tmp_path):
    store = tmp_path / "files"
    with _server(app, STORAGE_DIR=str(store)) as (base, proc):
        mentor = _login(base, world["mentor_a"])
        assert _upload(mentor, base, folder, world["group_a"], "kept.pdf",
                       _pdf(200 * KB)).status_code == 302
        kept = _listing(store)
        big = _pdf(45 * MB)
        _kill_when(proc, store, _temporary,
                   lambda: _upload(mentor, base, folder, world["group_a"], "big.pdf", big))
    leftover = _temporary(_listing(store))
    assert leftover, "the kill left the unfinished upload behind"
    rows = _rows()

    with _server(app, STORAGE_DIR=str(store)) as (base, _proc):
        assert requests.get(f"{base}/login", timeout=WAIT).status_code == 200
        # too young to be sure it is dead: the default age keeps it
        assert "Removed 0 file(s)" in _sweep(app, store)
        assert _temporary(_listing(store)) == leftover
        listed = _sweep(app, store, "--dry-run", "--older-than", "0")
        assert "Would remove 1 file(s)" in listed and "unfinished upload" in listed
        assert _temporary(_listing(store)) == leftover
        assert "Removed 1 file(s)" in _sweep(app, store, "--older-than", "0")
    assert _listing(store) == kept  # the stored file with its row is untouched
    assert _rows() == rows == 1


def test_kill_before_the_commit_leaves_files_without_rows_the_sweep_removes(app, world, make,
                                                                          tmp_path):
    """A forum post with two attachments: the first is stored, the second is being
    stored when the server dies, so the first has bytes on disk but no row."""
    forum = make.activity(world["programme"], "forum", plugin="forum", title="Open forum")
    store = tmp_path / "files"
    with _server(app, STORAGE_DIR=str(store)) as (base, proc):
        mentee = _login(base, world["mentee_a"])
        page = f"/forum/{forum.id}/new"
        token = _token(mentee.get(f"{base}{page}", timeout=WAIT).text)
        assert mentee.post(f"{base}{page}", allow_redirects=False, timeout=WAIT, data={
            "csrf_token": token, "title": "Kept", "body": "kept", "action": "post"},
            files=[("attachments", ("kept.pdf", PDF, "application/pdf"))]).status_code == 302
        kept = _listing(store)
        big = _pdf(45 * MB)

        def send() -> requests.Response:
            return mentee.post(f"{base}{page}", allow_redirects=False, timeout=120, data={
                "csrf_token": token, "title": "Two forms", "body": "see both", "action": "post"},
                files=[("attachments", ("first.pdf", _pdf(300 * KB), "application/pdf")),
                       ("attachments", ("second.pdf", big, "application/pdf"))])

        _kill_when(proc, store,
                   lambda files: _temporary(files) and len(files - kept) >= 2, send)
    orphans = _listing(store) - kept
    assert [f for f in orphans if not Path(f).name.startswith(".upload-")], \
        "the first attachment was stored without its row"
    assert _rows() == 1

    listed = _sweep(app, store, "--dry-run", "--older-than", "0")
    assert "no database row" in listed and "unfinished upload" in listed
    assert f"Would remove {len(orphans)} file(s)" in listed
    assert f"Removed {len(orphans)} file(s)" in _sweep(app, store, "--older-than", "0")
    assert _listing(store) == kept
    assert _rows() == 1
