"""Load generators for the benchmarks: Python threads with keep-alive connections, or
wrk when it is installed. Both stay on the loopback and are bounded in time."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

MAX_REQUESTS = 2_000_000


@dataclass
class Result:
    """Requests per second, latency percentiles in milliseconds, failed responses."""

    rps: float
    p50: float
    p99: float
    errors: int
    requests: int
    bytes_per_response: int = 0


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_python(host: str, path: str, cookie: str | None, *, duration: float,
               connections: int) -> Result:
    """Keep ``connections`` keep-alive connections busy for ``duration`` seconds."""
    h, p = host.split(":")
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    sizes = [0] * connections
    deadline = time.perf_counter() + duration
    per_thread = MAX_REQUESTS // connections

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(h, int(p), timeout=30)
        mine = latencies[i]
        while time.perf_counter() < deadline and len(mine) < per_thread:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(h, int(p), timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
            sizes[i] = len(body)
            if resp.status != 200:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for lat in latencies for x in lat)
    return Result(rps=len(flat) / elapsed if elapsed else 0.0,
                  p50=_percentile(flat, 0.50) * 1000, p99=_percentile(flat, 0.99) * 1000,
                  errors=sum(errors), requests=len(flat), bytes_per_response=max(sizes))


def wrk_available() -> bool:
    """True when the wrk command is installed."""
    return shutil.which("wrk") is not None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else 0.0


def run_wrk(host: str, path: str, cookie: str | None, *, duration: float,
            connections: int) -> Result:
    """Run wrk with ``connections`` connections on two threads and parse its report
    (requests slower than 10 s count as errors)."""
    cmd = ["wrk", "-t", str(min(2, connections)), "-c", str(connections),
           "-d", f"{max(1, round(duration))}s", "--timeout", "10s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [f"http://{host}{path}"], capture_output=True, text=True,
                         timeout=duration + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return Result(rps=rps, p50=p50, p99=p99, errors=errors, requests=total)
