"""Chat fan-out: N clients in one room, every message's delivery latency to every
client, for one gevent socket process and for two sharing rooms through Redis.

    .venv/bin/python bench/chat_fanout.py                  # 10, 50, 200 clients
    .venv/bin/python bench/chat_fanout.py --clients 50 --messages 200

Starts its own servers (``python wsgi_socket.py``) on free
loopback ports with a throwaway SQLite database (or ``--database-url``), and
for the two-process runs a private ``redis-server`` (or ``--redis-url``).
The clients are real python-socketio clients (``socketio.AsyncClient`` over
aiohttp) in ``--client-procs`` processes (default one per 50 clients, at most
4), each with its own asyncio loop; they log in through the login form. One
loop working through a message's 200 deliveries in turn would add its own
queue to every latency; the synchronous client, which starts a thread per
received event, made the client set the pace altogether.

Two phases per run: *paced* (``--rate`` messages per second from rotating
senders) gives the latency of each delivery (send → receipt, p50/p99) and of
each message to its last receiver (p99); *burst* sends ``--burst`` messages
back to back and gives messages per second fully delivered to everyone. Every
delivery is counted: ``lost`` must be 0. Bounded in time; loopback only.
"""

import argparse
import asyncio
import multiprocessing
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

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
                      indices: list[int]) -> tuple[dict[int, Receiver], list[str]]:
    """Log in and connect the clients ``indices`` (client i goes to ``bases[i % len]``,
    as sticky sessions would spread them); the connected ones by index, and why the
    others failed."""
    gate = asyncio.Semaphore(10)

    async def one(i: int) -> Receiver | str:
        base = bases[i % len(bases)]
        async with gate:
            try:
                return await Receiver().connect(base, await login(base, emails[i]), activity_id)
            except Exception as err:  # counted, not fatal
                return f"{type(err).__name__}: {err}"

    results = await asyncio.gather(*(one(i) for i in indices))
    return ({i: r for i, r in zip(indices, results, strict=True) if isinstance(r, Receiver)},
            [r for r in results if isinstance(r, str)])


def client_worker(conn: Connection, bases: list[str], emails: list[str], activity_id: int,
                  indices: list[int], tag: str) -> None:
    """One process of clients, driven over ``conn`` by ``run`` (see ``_serve``)."""
    asyncio.run(_serve(conn, bases, emails, activity_id, indices, tag))


async def _serve(conn: Connection, bases: list[str], emails: list[str], activity_id: int,
                 indices: list[int], tag: str) -> None:
    """Connect, then answer the parent's commands: ``send`` [(seq, client, at)],
    ``wait`` (seqs, deadline), ``stop``. Times are ``time.perf_counter()``, which on
    Linux is the system-wide monotonic clock, so processes can compare them."""
    loop = asyncio.get_running_loop()
    clients, errors = await connect_all(bases, emails, activity_id, indices)
    conn.send(("ready", sorted(clients), errors))
    acked: dict[int, float] = {}
    failures: list[str] = []
    while True:
        command, arg = await loop.run_in_executor(None, conn.recv)
        if command == "send":
            cpu0 = _cpu()
            sent: dict[int, float] = {}

            async def send(seq: int, client: int, at: float,
                           sent: dict[int, float] = sent) -> None:
                await asyncio.sleep(max(0.0, at - time.perf_counter()))

                def ack(resp: dict, seq: int = seq) -> None:
                    if resp.get("ok"):
                        acked[seq] = time.perf_counter()
                    else:
                        failures.append(resp.get("error", "?"))

                sent[seq] = time.perf_counter()
                try:
                    await clients[client].sio.emit(
                        "send", {"client_id": f"bench-{tag}-{seq:08d}", "body": f"bench {seq}"},
                        namespace="/chat", callback=ack)
                except Exception as err:  # e.g. the sender was dropped: not sent
                    sent.pop(seq, None)
                    failures.append(f"{type(err).__name__}: {err}")

            await asyncio.gather(*(send(*item) for item in arg))
            conn.send(("sent", sent, _cpu() - cpu0))
        elif command == "wait":
            seqs, deadline = arg
            cpu0 = _cpu()
            while time.perf_counter() < deadline:
                if all(s in c.arrivals for c in clients.values() for s in seqs):
                    break
                await asyncio.sleep(0.01)
            conn.send(("arrivals", [c.arrivals for c in clients.values()], dict(acked),
                       list(failures), sum(1 for c in clients.values() if not c.sio.connected),
                       _cpu() - cpu0))
        else:
            await asyncio.wait_for(asyncio.gather(
                *(c.sio.disconnect() for c in clients.values()), return_exceptions=True),
                timeout=20)
            conn.send(("done",))
            return


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Workers:
    """The client processes of one run, and the commands sent to all of them."""

    def __init__(self, bases: list[str], emails: list[str], activity_id: int, n: int,
                 procs: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        tag = secrets.token_hex(4)  # client ids unique per run: the server drops repeats
        self.pipes, self.procs = [], []
        for k in range(procs):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=client_worker, daemon=True,
                               args=(child, bases, emails, activity_id,
                                     list(range(k, n, procs)), tag))
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def ask(self, commands: list[tuple[str, Any]], timeout: float = 120.0) -> list[tuple]:
        """Send one command to each worker; their answers in worker order."""
        for pipe, command in zip(self.pipes, commands, strict=True):
            pipe.send(command)
        return self.answers(timeout)

    def answers(self, timeout: float = 120.0) -> list[tuple]:
        """The next message of every worker, in worker order (first: ``ready``, with
        the connected indices and the errors)."""
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise RuntimeError("a client process did not answer in time")
            answers.append(pipe.recv())
        return answers

    def close(self) -> None:
        """Disconnect every client and end the processes."""
        try:
            self.ask([("stop", None)] * len(self.pipes), timeout=30)
        except Exception:  # noqa: S110  (ending anyway)
            pass
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()


def run(bases: list[str], emails: list[str], activity_id: int, n: int, messages: int,
        rate: float, burst: int, procs: int) -> dict:
    """Connect ``n`` clients spread over ``bases`` and ``procs`` client processes,
    then measure both phases."""
    t_connect = time.perf_counter()
    workers = Workers(bases, emails, activity_id, n, procs)
    try:
        return _measure(workers, n, messages, rate, burst, t_connect)
    finally:
        workers.close()


def _measure(workers: Workers, n: int, messages: int, rate: float, burst: int,
             t_connect: float) -> dict:
    ready = workers.answers()
    t_connect = time.perf_counter() - t_connect
    senders = [(w, i) for w, (_r, connected, _e) in enumerate(ready) for i in connected]
    errors = [e for _r, _c, errs in ready for e in errs]
    print(f"  {n} clients in {len(ready)} processes: {len(senders)} connected in "
          f"{t_connect:.1f} s" + (f"; first failure: {errors[0]}" if errors else ""),
          file=sys.stderr, flush=True)
    if not senders:
        raise RuntimeError(f"no client connected ({errors[0] if errors else '?'})")
    senders.sort(key=lambda wi: wi[1])
    time.sleep(1.0)  # let presence notices settle

    def phase(seqs: range, at: Callable[[int], float]) -> tuple[dict, list, dict, list, int,
                                                                  float]:
        plan: list[list] = [[] for _ in workers.pipes]
        for seq in seqs:
            w, i = senders[seq % len(senders)]
            plan[w].append((seq, i, at(seq)))
        sent: dict[int, float] = {}
        cpu = 0.0
        for _tag, part, used in workers.ask([("send", p) for p in plan]):
            sent.update(part)
            cpu += used
        deadline = time.perf_counter() + TIMEOUT
        arrivals, acked, failures, dropped = [], {}, [], 0
        for _tag, arr, ack, fail, drop, used in workers.ask(
                [("wait", (sorted(sent), deadline))] * len(workers.pipes)):
            arrivals += arr
            acked.update(ack)
            failures = fail if len(fail) > len(failures) else failures
            dropped += drop
            cpu += used
        return sent, arrivals, acked, failures, dropped, cpu

    interval = 1.0 / rate
    start = time.perf_counter() + 0.5
    t_paced = time.perf_counter()
    sent, arrivals, acked, _f, _d, cpu = phase(range(messages),
                                               lambda seq: start + seq * interval)
    paced_s = time.perf_counter() - t_paced
    paced = sorted(sent)
    per_delivery = [arr[s] - sent[s] for arr in arrivals for s in paced if s in arr]
    to_last = [max(arr.get(s, float("inf")) for arr in arrivals) - sent[s] for s in paced]
    ack_times = [acked[s] - sent[s] for s in paced if s in acked]
    t0 = time.perf_counter() + 0.2
    sent_b, arrivals_b, _a, failures, dropped, _c = phase(range(messages, messages + burst),
                                                          lambda _seq: t0)
    t_end = max((arr.get(s, 0.0) for arr in arrivals_b for s in sent_b), default=0.0)
    delivered = sum(1 for arr in arrivals_b for s in list(sent) + list(sent_b) if s in arr)
    expected = len(arrivals_b) * (len(sent) + len(sent_b))
    return {
        "clients": n, "not_connected": n - len(senders), "dropped": dropped,
        "connect_s": t_connect, "messages": messages + burst, "delivered": delivered,
        "lost": expected - delivered, "refused": len(failures),
        "p50": percentile(per_delivery, 0.5) * 1000, "p99": percentile(per_delivery, 0.99) * 1000,
        "last_p99": percentile(to_last, 0.99) * 1000,
        "ack_p50": percentile(ack_times, 0.5) * 1000,
        "ack_p99": percentile(ack_times, 0.99) * 1000,
        "burst_mps": burst / (t_end - t0) if t_end > t0 else float("nan"),
        "client_cpu": cpu / paced_s * 100,
        "procs": len(workers.pipes),
    }


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--messages", type=int, default=100, help="paced messages per run")
    parser.add_argument("--rate", type=float, default=10.0, help="paced messages per second")
    parser.add_argument("--burst", type=int, default=100, help="back-to-back messages per run")
    parser.add_argument("--client-procs", type=int, default=0,
                        help="client processes (default: one per 50 clients, at most 4)")
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
                        workers = args.client_procs or max(1, min(4, -(-n // 50)))
                        result = run(bases, emails, activity_id, n, args.messages,
                                     args.rate, args.burst, workers)
                except Exception as err:
                    traceback.print_exc()
                    result = {"clients": n, "error": f"{type(err).__name__}: {err}"}
                result["topology"] = topology
                result["database"] = database
                rows.append(result)
                print(f"  done: {topology}, {n} clients"
                      + (f" (failed: {result['error']})" if "error" in result else ""),
                      file=sys.stderr, flush=True)

    head = ("topology", "database", "clients", "not connected", "dropped", "msgs", "deliveries",
            "lost", "refused", "p50 ms", "p99 ms", "last p99 ms", "ack p50 ms", "ack p99 ms",
            "burst msg/s", "connect s", "client procs", "client CPU %")
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
                     f"{r['connect_s']:.1f}", str(r["procs"]),
                     f"{r['client_cpu']:.0f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nPaced phase: {args.messages} messages at {args.rate:g}/s from rotating senders; "
          f"burst: {args.burst} back to back. Latencies are send → receipt per delivery; "
          f"'last p99' is send → last receiver. 'lost' counts deliveries to connected "
          f"clients that never came; 'not connected' clients that failed to connect, "
          f"'dropped' ones disconnected by the end, 'refused' sends refused or not sent; "
          f"'client CPU %' is the CPU of all client processes (in % of one core) "
          f"during the paced phase.")


if __name__ == "__main__":
    main()
