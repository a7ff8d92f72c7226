"""Entry point of a single-worker gevent process serving the chat's ``/socket.io/``.

Pages are best served by threaded gunicorn workers; long-lived chat sockets by
one or more of these processes, each a single gevent process, sharing rooms
through Redis (``REDIS_URL``). From the repository root, one per port::

    REDIS_URL=redis://127.0.0.1:6379/0 python wsgi_socket.py --port 8101

or under gunicorn, which patches with gevent itself::

    SOCKETIO_ASYNC_MODE=gevent gunicorn -k gevent -w 1 -b 127.0.0.1:8101 wsgi_socket:app

This file knows nothing of the core but its app factory. It must be the
program's entry point: gevent patches the standard library before anything
else is imported (hence a module at the top level, outside any package whose
``__init__`` would import Flask first).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402

import gevent  # noqa: E402

os.environ["SOCKETIO_ASYNC_MODE"] = "gevent"

from core import create_app  # noqa: E402

app = create_app()
# Everything built so far (modules, the app, mappers, templates) lives as long as the
# process: moved out of the collector's sight, a full collection no longer walks it.
# Without this a chat process stalled every so often for ~150 ms (bench/chat_fanout.py:
# p99 168 ms with 50 clients in one process; 40 ms with it).
gc.collect()
gc.freeze()


def listener(host: str, port: int) -> socket.socket:
    """A listening socket whose connections send small frames at once (no Nagle
    delay: a chat message followed by its acknowledgement would wait ~40 ms)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited on accept
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def stop_gracefully(server, grace: float = 10.0) -> None:  # noqa: ANN001
    """Stop accepting, close every Socket.IO connection (clients reconnect to another
    process and replay what they missed), let requests in flight finish within
    ``grace`` seconds, then return from ``serve_forever``."""
    server.close()
    try:
        app.extensions["socketio"].server.eio.disconnect()
    except Exception as err:  # noqa: BLE001  (stopping anyway)
        print(f" * chat socket process: closing connections failed: {err}", flush=True)
    server.stop(timeout=grace)


def main() -> None:
    """Serve the app with gevent's WSGI server (meant for ``/socket.io/``)."""
    from gevent import pywsgi

    parser = argparse.ArgumentParser(description="Chat socket process (gevent).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--log", action="store_true", help="log every request")
    args = parser.parse_args()
    server = pywsgi.WSGIServer(listener(args.host, args.port), app,
                               log="default" if args.log else None)
    gevent.signal_handler(signal.SIGTERM, lambda: gevent.spawn(stop_gracefully, server))
    print(f" * chat socket process (gevent) on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
