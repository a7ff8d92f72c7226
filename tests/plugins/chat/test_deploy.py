"""``deploy/run-topology.sh``, really started: nginx in front of threaded gunicorn
(pages) and two single-worker gevent socket processes sharing rooms through
Redis, ``/socket.io/`` sticky. Needs nginx and ``REDIS_URL`` (CI's second pass);
skipped otherwise. The topology gets its own SQLite instance with the demo data,
whatever ``DATABASE_URL`` the suite runs with."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import ROOT, free_port
from tests.plugins.chat.conftest import WAIT, csrf_token, wait_until

SCRIPT = ROOT / "deploy" / "run-topology.sh"
NGINX = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin",
                                                    "/sbin"]))
START = 120.0  # seconds the topology may take to come up (init, demo, four processes)
STOP = 30.0  # seconds it may take to stop after SIGTERM
ACCESS = re.compile(r'^\[nginx\] \S+ "(\w+) (\S+) [^"]*" (\d{3}) \d+ -> (\S+) ', re.M)

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(not NGINX, reason="needs nginx (apt-get install nginx)"),
]


def distinct_free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Topology:
    proc: subprocess.Popen
    log_path: Path
    tmp: Path
    port: int
    pages_port: int
    socket_ports: list[int]
    stopped: bool = field(default=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def instance(self) -> Path:
        return self.tmp / "instance"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def access(self) -> list[tuple[str, str, int, str]]:
        """nginx's access log: (method, path, status, upstream address)."""
        return [(m, p, int(s), u) for m, p, s, u in ACCESS.findall(self.log())]

    def ports(self) -> list[int]:
        return [self.port, self.pages_port, *self.socket_ports]

    def stop(self) -> int | None:
        """SIGTERM to the script, which stops its processes; None if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP)
        except subprocess.TimeoutExpired:
            return None
        finally:
            self.stopped = True

    def kill_leftovers(self) -> None:
        """SIGKILL whatever is left in the process group this test started."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


@contextmanager
def running_topology(tmp: Path, **extra: str) -> Iterator[Topology]:
    """``deploy/run-topology.sh`` started in ``tmp`` (demo data, its own SQLite) and
    up; stopped (SIGTERM) at the end unless the caller stopped it."""
    port, pages, *sockets = distinct_free_ports(4)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", "STORAGE_DIR", "SOCKETIO_ASYNC_MODE")}
    env.update(EMENTORING_INSTANCE=str(tmp / "instance"), PORT=str(port),
               PAGES_PORT=str(pages), SOCKET_PORTS=" ".join(map(str, sockets)),
               LISTEN_HOST="127.0.0.1", SERVER_NAME="_", UPLOAD_MAX_MB="50", WORKERS="2",
               THREADS="4", DEMO="1", NGINX=str(NGINX))
    env.update(extra)
    log_path = tmp / "topology.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(["bash", str(SCRIPT)], cwd=tmp, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    topo = Topology(proc, log_path, tmp, port, pages, sockets)
    try:
        deadline = time.monotonic() + START
        while "ementoring is up at" not in topo.log():
            if proc.poll() is not None:
                pytest.fail(f"run-topology.sh exited ({proc.returncode}):\n{topo.log()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"run-topology.sh not up after {START} s:\n{topo.log()[-4000:]}")
            time.sleep(0.2)
        yield topo
    finally:
        if not topo.stopped:
            topo.stop()
        topo.kill_leftovers()


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    with running_topology(tmp_path_factory.mktemp("topology")) as topo:
        yield topo


def demo_password(topo: Topology, email: str) -> str:
    for line in (topo.instance / "demo_accounts.txt").read_text().splitlines():
        _role, address, password = line.split("\t")
        if address == email:
            return password
    raise AssertionError(f"no demo account {email}")


def login(topo: Topology, email: str) -> requests.Session:
    """A session logged in through the login form, through nginx."""
    s = requests.Session()
    page = s.get(f"{topo.base}/login", timeout=WAIT)
    resp = s.post(f"{topo.base}/login", data={
        "email": email, "password": demo_password(topo, email),
        "csrf_token": csrf_token(page.text)}, allow_redirects=False, timeout=WAIT)
    assert resp.status_code == 302, resp.text[:500]
    return s


def group_chat(topo: Topology) -> tuple[int, int]:
    """The demo's group chat and the group of mentor1, mentee1 and mentee2."""
    with sqlite3.connect(topo.instance / "ementoring.sqlite") as conn:
        (activity,) = conn.execute(
            "SELECT id FROM activity WHERE type = 'chat.room' AND group_mode = 'separate'"
        ).fetchone()
        (group,) = conn.execute(
            "SELECT gm.group_id FROM group_member gm JOIN user u ON u.id = gm.user_id"
            " WHERE u.email = 'mentee1@demo.ementoring.test'").fetchone()
    return activity, group


class Client:
    """A python-socketio client in the group chat, recording message bodies."""

    def __init__(self, url: str, session: requests.Session, room: tuple[int, int],
                 transports: list[str] | None = None) -> None:
        self.sio = socketio.Client(reconnection=False, request_timeout=WAIT)
        self.bodies: list[str] = []
        self.sio.on("message", lambda data: self.bodies.append(data["body"]),
                    namespace="/chat")
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        self.sio.connect(url, headers={"Cookie": cookie}, namespaces=["/chat"],
                         transports=transports, wait_timeout=WAIT,
                         auth={"activity": room[0], "group": room[1]})

    def send(self, body: str) -> Any:
        return self.sio.call("send", {"body": body, "client_id": secrets.token_hex(8)},
                             namespace="/chat", timeout=WAIT)

    def wait_for(self, body: str) -> None:
        wait_until(lambda: body in self.bodies, what=f"message {body!r}")

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def test_pages_and_socketio_handshake_through_nginx(topology):
    home = requests.get(f"{topology.base}/", allow_redirects=False, timeout=WAIT)
    assert home.status_code in (200, 302)
    assert requests.get(f"{topology.base}/login", timeout=WAIT).status_code == 200
    handshake = requests.get(f"{topology.base}/socket.io/?EIO=4&transport=polling",
                             timeout=WAIT)
    assert handshake.status_code == 200
    assert handshake.text.startswith("0{"), handshake.text[:200]
    opened = json.loads(handshake.text[1:])
    assert opened["sid"] and opened["upgrades"] == ["websocket"]
    # nginx's client_max_body_size follows UPLOAD_MAX_MB (50, plus 1 MB for the form)
    with socket.create_connection(("127.0.0.1", topology.port), timeout=WAIT) as s:
        s.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                  b"Content-Length: %d\r\n\r\n" % (52 * 1024 * 1024))
        assert s.recv(100).startswith(b"HTTP/1.1 413 ")

    def logged() -> dict[tuple[str, str], str] | None:
        routed = {(m, p.split("?")[0]): upstream for m, p, _s, upstream in topology.access()}
        wanted = {("GET", "/"), ("GET", "/socket.io/"), ("POST", "/login")}
        return routed if wanted <= routed.keys() else None

    routed = wait_until(logged, what="nginx's access log")  # written after the answer
    assert routed[("POST", "/login")] == "-"  # refused by nginx itself
    assert routed[("GET", "/")] == f"127.0.0.1:{topology.pages_port}"
    assert routed[("GET", "/socket.io/")] in {f"127.0.0.1:{p}" for p in topology.socket_ports}


def test_chat_across_pages_both_socket_processes_and_redis(topology):
    room = group_chat(topology)
    seen = len(topology.access())
    clients: list[Client] = []
    try:
        # through nginx: polling, then upgraded to a WebSocket
        mentor = Client(topology.base, login(topology, "mentor1@demo.ementoring.test"), room)
        clients.append(mentor)
        wait_until(lambda: mentor.sio.transport() == "websocket", what="WebSocket upgrade")
        # through nginx, long-polling only: every poll must reach the same process
        polling = Client(topology.base, login(topology, "mentee2@demo.ementoring.test"), room,
                         transports=["polling"])
        clients.append(polling)
        upstreams = wait_until(lambda: {u for _m, p, _s, u in topology.access()[seen:]
                                        if p.startswith("/socket.io/")},
                               what="/socket.io/ in nginx's access log")
        assert len(upstreams) == 1, upstreams  # sticky
        (chosen,) = upstreams
        (other,) = [p for p in topology.socket_ports if f"127.0.0.1:{p}" != chosen]
        # straight to the socket process nginx did not choose
        manager = Client(f"http://127.0.0.1:{other}",
                         login(topology, "manager@demo.ementoring.test"), room,
                         transports=["websocket"])
        clients.append(manager)

        # the plain form, through nginx to gunicorn, out through Redis
        browser = login(topology, "mentee1@demo.ementoring.test")
        url = f"{topology.base}/chat/{room[0]}?group={room[1]}"
        page = browser.get(url, timeout=WAIT)
        assert page.status_code == 200
        client_id = page.text.split('name="client_id" type="hidden" value="')[1].split('"')[0]
        resp = browser.post(f"{topology.base}/chat/{room[0]}/messages?group={room[1]}",
                            data={"csrf_token": csrf_token(page.text), "client_id": client_id,
                                  "body": "posted through the pages"},
                            allow_redirects=False, timeout=WAIT)
        assert resp.status_code == 302
        for c in clients:
            c.wait_for("posted through the pages")

        assert polling.send("sent while polling")["ok"]
        mentor.wait_for("sent while polling")
        manager.wait_for("sent while polling")
        assert manager.send("from the other socket process")["ok"]
        mentor.wait_for("from the other socket process")
        polling.wait_for("from the other socket process")
    finally:
        for c in clients:
            c.close()
    access = topology.access()[seen:]
    assert access and all(status < 500 for _m, _p, status, _u in access), access
    for _m, path, _s, upstream in access:
        expected = chosen if path.startswith("/socket.io/") else f"127.0.0.1:{topology.pages_port}"
        assert upstream == expected, (path, upstream)


def command_line(path: Path) -> str:
    """A process's command line from /proc, or "" when it is gone."""
    try:
        return path.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_gunicorn_keeps_idle_connections_longer_than_nginx(topology):
    """nginx must close an idle upstream connection before gunicorn does, or a POST
    sent down it as gunicorn closes it gets a 502 (nginx does not retry a POST)."""
    config = re.search(r"nginx configuration: (\S+)", topology.log())
    assert config
    idle = re.search(r"upstream ementoring_pages \{[^}]*keepalive_timeout (\d+)s;",
                     Path(config.group(1)).read_text())
    assert idle
    pages = [c for c in map(command_line, Path("/proc").glob("[0-9]*/cmdline"))
             if "gunicorn" in c and f":{topology.pages_port}" in c]
    assert pages, "gunicorn not found"
    keep_alive = re.search(r"--keep-alive (\d+)", pages[0])
    assert keep_alive and int(keep_alive.group(1)) > int(idle.group(1))


def test_sigterm_stops_every_process(topology):
    assert topology.stop() == 143, topology.log()[-3000:]
    assert "stopping pages" in topology.log()
    wait_until(lambda: not any(listening(p) for p in topology.ports()), timeout=5,
               what="every port closed")

    def group_gone() -> bool:
        try:
            os.killpg(topology.proc.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(group_gone, timeout=10, what="no process left in the script's group")
    config = re.search(r"nginx configuration: (\S+)/ementoring\.conf", topology.log())
    assert config and not Path(config.group(1)).exists()  # its temporary folder is gone
