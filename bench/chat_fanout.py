"""Chat fan-out: N clients in one room, every message's delivery latency to every
client, for one gevent socket process and for two sharing rooms through Redis.

    .venv/bin/python bench/chat_fanout.py                  # 10, 50, 200 clients
    .venv/bin/python bench/chat_fanout.py --clients 50 --messages 200

Starts its own servers (``python wsgi_socket.py``) on free
loopback ports with a throwaway SQLite database (or ``--database-url``), and
for the two-process runs a private ``redis-server`` (or ``--redis-url``).
The clients are real python-socketio clients (``socketio.AsyncClient`` over
aiohttp, all in one asyncio loop of this process); they log in through the
login form. The synchronous client starts a thread per received event, which
with 200 clients made this process, not the servers, set the pace.

Two phases per run: *paced* (``--rate`` messages per second from rotating
senders) gives the latency of each delivery (send → receipt, p50/p99) and of
each message to its last receiver (p99); *burst* sends ``--burst`` messages
back to back and gives messages per second fully delivered to everyone. Every
delivery is counted: ``lost`` must be 0. Bounded in time; loopback only.
"""

import argparse
import asyncio
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-123"
TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


# --- setup -----------------------------------------------------------------------


def prepare(instance: Path, database_url: str | None, n_users: int) -> tuple[int, list[str]]:
    """Create the schema, a programme with ``n_users`` mentees and a shared chat."""
    cfg = {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench-secret",
           "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    if database_url:
        cfg["SQLALCHEMY_DATABASE_URI"] = database_url
    from core import create_app
    from core.auth.passwords import hash_password
    from core.extensions import db
    from core.models import Activity, Membership, Organisation, Programme, Section, User

    app = create_app(cfg)
    with app.app_context():
        db.drop_all()
        db.create_all()
        org = Organisation(name="Bench")
        prog = Programme(organisation=org, title="Fan-out")
        section = Section(programme=prog, title="Chat", position=0)
        db.session.add_all([org, prog, section])
        db.session.flush()
        chat = Activity(section_id=section.id, programme_id=prog.id, type="chat.room",
                        plugin="chat", title="Everyone", group_mode="shared")
        db.session.add(chat)
        pw = hash_password(PASSWORD)
        emails = []
        for i in range(n_users):
            user = User(email=f"bench{i}@example.org", display_name=f"Bench {i}",
                        password_hash=pw)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, programme_id=prog.id, role="mentee"))
            emails.append(user.email)
        db.session.commit()
        return chat.id, emails


@contextmanager
def socket_process(env: dict[str, str], log_path: Path | None = None):
    """A gevent chat socket process; yields its base URL. Its output goes to
    ``log_path`` (appended) when given, else nowhere."""
    port = free_port()
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen([sys.executable, "wsgi_socket.py", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log_path:
            out.close()
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def private_redis():
    """A throwaway redis-server on a free port; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


async def login(base: str, email: str) -> str:
    """Log in through the real form; the session cookie as a Cookie header."""
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: keep cookies of an IP address
    async with aiohttp.ClientSession(cookie_jar=jar,
                                     timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as http:
        async with http.get(f"{base}/login") as resp:
            page = await resp.text()
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        async with http.post(f"{base}/login", allow_redirects=False,
                             data={"email": email, "password": PASSWORD,
                                   "csrf_token": token}) as resp:
            assert resp.status == 302, resp.status
        return "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)


# --- one run ---------------------------------------------------------------------------


class Receiver:
    """A connected client recording when each benchmark message arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=TIMEOUT)
        self.sio.on("message", self._on_message, namespace="/chat")

    async def connect(self, base: str, cookie: str, activity_id: int) -> "Receiver":
        await self.sio.connect(base, headers={"Cookie": cookie, "Origin": base},
                               namespaces=["/chat"], transports=["websocket"],
                               wait_timeout=TIMEOUT,
                               auth={"activity": activity_id, "group": None})
        return self

    def _on_message(self, data: dict) -> None:
        body = data.get("body", "")
        if body.startswith("bench "):
            self.arrivals[int(body.split()[1])] = time.perf_counter()


async def connect_all(bases: list[str], emails: list[str], activity_id: int,
                      n: int) -> tuple[list[Receiver], list[str]]:
    """Log in and connect ``n`` clients; the connected ones and why the others failed."""
    gate = asyncio.Semaphore(20)

    async def one(i: int) -> Receiver | str:
        base = bases[i % len(bases)]
        async with gate:
            try:
                return await Receiver().connect(base, await login(base, emails[i]), activity_id)
            except Exception as err:  # counted, not fatal
                return f"{type(err).__name__}: {err}"

    results = await asyncio.gather(*(one(i) for i in range(n)))
    return ([r for r in results if isinstance(r, Receiver)],
            [r for r in results if isinstance(r, str)])


async def run(bases: list[str], emails: list[str], activity_id: int, n: int, messages: int,
              rate: float, burst: int) -> dict:
    """Connect ``n`` clients spread over ``bases``, then measure both phases."""
    t_connect = time.perf_counter()
    clients, errors = await connect_all(bases, emails, activity_id, n)
    t_connect = time.perf_counter() - t_connect
    print(f"  {n} clients: {len(clients)} connected in {t_connect:.1f} s"
          + (f"; first failure: {errors[0]}" if errors else ""), file=sys.stderr, flush=True)
    if not clients:
        raise RuntimeError(f"no client connected ({errors[0] if errors else '?'})")
    await asyncio.sleep(1.0)  # let presence notices settle
    sent: dict[int, float] = {}
    acked: dict[int, float] = {}
    failures: list[str] = []
    tasks: list[asyncio.Task] = []
    tag = secrets.token_hex(4)  # client ids unique per run: the server drops a repeated one

    async def send(seq: int) -> None:
        sender = clients[seq % len(clients)]

        def ack(resp: dict) -> None:
            if resp.get("ok"):
                acked[seq] = time.perf_counter()
            else:
                failures.append(resp.get("error", "?"))

        sent[seq] = time.perf_counter()
        try:
            await sender.sio.emit("send", {"client_id": f"bench-{tag}-{seq:08d}",
                                           "body": f"bench {seq}"},
                                  namespace="/chat", callback=ack)
        except Exception as err:  # e.g. the sender was dropped: the message is not sent
            sent.pop(seq, None)
            failures.append(f"{type(err).__name__}: {err}")

    async def wait_all(seqs: range) -> float:
        want = [s for s in seqs if s in sent]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if (all(s in c.arrivals for c in clients for s in want)
                    and all(s in acked for s in want)):
                break
            await asyncio.sleep(0.01)
        return max((c.arrivals.get(s, 0.0) for c in clients for s in want), default=0.0)

    # paced phase
    interval = 1.0 / rate
    start = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    for seq in range(messages):
        await asyncio.sleep(max(0.0, start + seq * interval - time.perf_counter()))
        tasks.append(asyncio.create_task(send(seq)))
    await asyncio.gather(*tasks)
    await wait_all(range(messages))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    paced_s = time.perf_counter() - start
    paced = [s for s in range(messages) if s in sent]
    per_delivery = [c.arrivals[s] - sent[s] for c in clients for s in paced if s in c.arrivals]
    to_last = [max(c.arrivals.get(s, float("inf")) for c in clients) - sent[s] for s in paced]
    ack_times = [acked[s] - sent[s] for s in paced if s in acked]
    # burst phase
    first = messages
    t0 = time.perf_counter()
    await asyncio.gather(*(send(seq) for seq in range(first, first + burst)))
    t_end = await wait_all(range(first + burst))
    dropped = sum(1 for c in clients if not c.sio.connected)
    delivered = sum(len(c.arrivals) for c in clients)
    expected = len(clients) * len(sent)  # every sent message to every connected client
    await asyncio.wait_for(asyncio.gather(*(c.sio.disconnect() for c in clients),
                                          return_exceptions=True), timeout=20)
    client_cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / paced_s
    return {
        "clients": n, "not_connected": n - len(clients), "dropped": dropped,
        "connect_s": t_connect, "messages": messages + burst, "delivered": delivered,
        "lost": expected - delivered, "refused": len(failures),
        "p50": percentile(per_delivery, 0.5) * 1000, "p99": percentile(per_delivery, 0.99) * 1000,
        "last_p99": percentile(to_last, 0.99) * 1000,
        "ack_p50": percentile(ack_times, 0.5) * 1000,
        "ack_p99": percentile(ack_times, 0.99) * 1000,
        "burst_mps": burst / (t_end - t0) if t_end > t0 else float("nan"),
        "client_cpu": client_cpu * 100,
    }


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--messages", type=int, default=100, help="paced messages per run")
    parser.add_argument("--rate", type=float, default=10.0, help="paced messages per second")
    parser.add_argument("--burst", type=int, default=100, help="back-to-back messages per run")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default=None,
                        help="default: a private redis-server on a free port")
    parser.add_argument("--topologies", nargs="+", default=["1 process", "2 processes + Redis"])
    parser.add_argument("--server-log", type=Path, default=None,
                        help="append the socket processes' output to this file")
    args = parser.parse_args()

    rows = []
    database = (args.database_url or "sqlite").split(":")[0].split("+")[0]
    with tempfile.TemporaryDirectory(prefix="chat-bench-") as tmp, ExitStack() as stack:
        instance = Path(tmp) / "instance"
        activity_id, emails = prepare(instance, args.database_url, max(args.clients))
        env = dict(os.environ, EMENTORING_INSTANCE=str(instance), SECRET_KEY="bench-secret",
                   CHAT_RATE_LIMIT="1000000 per 10 seconds", PYTHONUNBUFFERED="1")
        env.pop("REDIS_URL", None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        for topology in args.topologies:
            if "Redis" in topology:
                url = args.redis_url
                if url is None:
                    if not shutil.which("redis-server"):
                        print("skipping the Redis runs: no redis-server and no --redis-url")
                        continue
                    url = stack.enter_context(private_redis())
                procs = [dict(env, REDIS_URL=url)] * 2
            else:
                procs = [env]
            for n in args.clients:
                try:  # a failed run gets its row with the error; the others still run
                    with ExitStack() as servers:
                        bases = [servers.enter_context(socket_process(e, args.server_log))
                                 for e in procs]
                        result = asyncio.run(run(bases, emails, activity_id, n,
                                                 args.messages, args.rate, args.burst))
                except Exception as err:
                    result = {"clients": n, "error": f"{type(err).__name__}: {err}"}
                result["topology"] = topology
                result["database"] = database
                rows.append(result)
                print(f"  done: {topology}, {n} clients"
                      + (f" (failed: {result['error']})" if "error" in result else ""),
                      file=sys.stderr, flush=True)

    head = ("topology", "database", "clients", "not connected", "dropped", "msgs", "deliveries",
            "lost", "refused", "p50 ms", "p99 ms", "last p99 ms", "ack p50 ms", "ack p99 ms",
            "burst msg/s", "connect s", "client CPU %")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        if "error" in r:
            cells = [r["topology"], r["database"], str(r["clients"]),
                     f"run failed: {r['error']}"]
            cells += [""] * (len(head) - len(cells))
        else:
            cells = [r["topology"], r["database"], str(r["clients"]), str(r["not_connected"]),
                     str(r["dropped"]), str(r["messages"]), str(r["delivered"]),
                     str(r["lost"]), str(r["refused"]), f"{r['p50']:.1f}", f"{r['p99']:.1f}",
                     f"{r['last_p99']:.1f}", f"{r['ack_p50']:.1f}", f"{r['ack_p99']:.1f}",
                     f"{r['burst_mps']:.0f}",
                     f"{r['connect_s']:.1f}", f"{r['client_cpu']:.0f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nPaced phase: {args.messages} messages at {args.rate:g}/s from rotating senders; "
          f"burst: {args.burst} back to back. Latencies are send → receipt per delivery; "
          f"'last p99' is send → last receiver. 'lost' counts deliveries to connected "
          f"clients that never came; 'not connected' clients that failed to connect, "
          f"'dropped' ones disconnected by the end, 'refused' sends refused or not sent; "
          f"'client CPU %' is this process's CPU (of one core) during the paced phase.")


if __name__ == "__main__":
    main()
