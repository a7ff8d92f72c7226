"""SIGTERM to ``deploy/run-topology.sh`` while a large upload is on its way through
nginx: the upload still completes with its real answer, then everything stops.

The topology gets this test's own ``redis-server`` (never the machine's) and its
own SQLite instance with the demo data.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.faults.killable import Redis
from tests.plugins.chat.conftest import WAIT, csrf_token
from tests.plugins.chat.test_deploy import NGINX, STOP, demo_password, running_topology

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not NGINX, reason="needs nginx"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

UPLOAD = 8 * 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
def redis_url() -> Iterator[str]:
    redis = Redis()
    redis.start()
    try:
        yield redis.url
    finally:
        redis.kill()


def slow_multipart(fields: dict[str, str], started: threading.Event) -> tuple[str, Any]:
    """A multipart body with ``fields`` and an 8 MB file, sent slowly in chunks;
    ``started`` is set once the file is on its way."""
    boundary = "ementoring-" + secrets.token_hex(8)

    def body() -> Iterator[bytes]:
        for name, value in fields.items():
            yield (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n").encode()
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; '
               f'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
        for _ in range(UPLOAD // CHUNK):
            yield b"x" * CHUNK
            started.set()
            time.sleep(0.03)
        yield f"\r\n--{boundary}--\r\n".encode()

    return f"multipart/form-data; boundary={boundary}", body()


def test_sigterm_lets_an_upload_in_flight_finish(tmp_path, redis_url):
    with running_topology(tmp_path, REDIS_URL=redis_url) as topo:
        email = "mentee1@demo.ementoring.test"
        browser = requests.Session()
        page = browser.get(f"{topo.base}/login", timeout=WAIT)
        started = threading.Event()
        content_type, body = slow_multipart(
            {"email": email, "password": demo_password(topo, email),
             "csrf_token": csrf_token(page.text)}, started)
        answer: dict[str, Any] = {}

        def upload() -> None:
            try:
                answer["response"] = browser.post(
                    f"{topo.base}/login", data=body, headers={"Content-Type": content_type},
                    allow_redirects=False, timeout=60)
            except requests.RequestException as err:
                answer["error"] = err

        sender = threading.Thread(target=upload)
        sender.start()
        assert started.wait(WAIT)
        time.sleep(0.3)  # well inside the upload (about 4 s in all)
        topo.proc.send_signal(signal.SIGTERM)
        sender.join(90)
        rc = topo.proc.wait(STOP)
        topo.stopped = True
        log = topo.log()
        assert "error" not in answer, f"{answer.get('error')!r}\n{log[-3000:]}"
        response = answer["response"]
        assert response.status_code == 302, response.text[:500]  # logged in
        assert ("POST", "/login", 302) in [(m, p, s) for m, p, s, _u in topo.access()]
        assert rc == 143, log[-2000:]
        assert "nginx finishes the requests in flight" in log
        assert "killing" not in log
    for port in topo.ports():  # nothing left listening
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
