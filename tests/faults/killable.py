"""Service processes a fault test owns and kills: its own ``redis-server``, or a
TCP forwarder (``tcp_proxy.py``) between the app and PostgreSQL. The machine's
own services are never touched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port, wait_for_port

PROXY = Path(__file__).with_name("tcp_proxy.py")


class Killable:
    """A process listening on its own free port, started again on the same port
    after a kill."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """The command line (subclasses say which)."""
        raise NotImplementedError

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Redis(Killable):
    """A ``redis-server`` keeping nothing on disk."""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]


class Forwarder(Killable):
    """A TCP forwarder to ``host:port``: killing it cuts the service off."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__()
        self.target = (host, port)

    def command(self) -> list[str]:
        return [sys.executable, str(PROXY), str(self.port), self.target[0], str(self.target[1])]
