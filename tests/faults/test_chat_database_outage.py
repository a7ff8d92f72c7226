"""PostgreSQL out of reach of a running chat process: a send is answered at once
with "not sent" (and stored once when sent again after the database is back), and
a page answers the standalone error page instead of a bare "Internal Server Error".

The app reaches PostgreSQL through this test's own TCP forwarder process
(``tcp_proxy.py``), which is killed and started again; the machine's PostgreSQL is
never touched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import free_port, run_server
from tests.faults.killable import Forwarder
from tests.plugins.chat.conftest import (  # noqa: F401 (fixtures)
    FAST,
    WAIT,
    _quick_websocket_close,
    clients,
    http_login,
    rooms,
    stored,
    wait_until,
)

pytestmark = pytest.mark.faults


@pytest.fixture
def database_url(app) -> Iterator[tuple[str, Forwarder]]:
    """The test database's URL through a forwarder this test can kill."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    forwarder = Forwarder(url.host or "127.0.0.1", url.port or 5432)
    forwarder.start()
    try:
        yield url.set(host="127.0.0.1", port=forwarder.port).render_as_string(
            hide_password=False), forwarder
    finally:
        forwarder.kill()


def test_database_away_sends_are_answered_and_pages_show_the_static_page(
        app, world, rooms, clients, database_url):  # noqa: F811
    url, forwarder = database_url
    port = free_port()
    with run_server(app, sys.executable, "wsgi_socket.py", "--port", str(port), port=port,
                    DATABASE_URL=url, **FAST) as base:
        chat = rooms["shared"]
        client = clients(base, world["mentee_a"]).connect(chat)
        browser = client.session
        assert client.send("before")["ok"]
        page_url = f"{base}/chat/{chat.id}"
        assert browser.get(page_url, timeout=WAIT).status_code == 200

        forwarder.kill()
        failed = client.send("while the database is away", client_id="away-0000000001")
        assert failed["ok"] is False and failed["error"] == "server", failed
        assert "Not sent" in failed["message"] and "sent again" in failed["message"]
        page = browser.get(page_url, timeout=WAIT)
        assert page.status_code == 503, page.text[:300]
        assert "cannot reach its database" in page.text
        assert "Internal Server Error" not in page.text

        forwarder.start()
        again = wait_until(lambda: (lambda a: a if a["ok"] else None)(
            client.send("while the database is away", client_id="away-0000000001")),
            timeout=20, what="a send once the database is back")
        assert again["message"]["body"] == "while the database is away"
        assert client.send("after")["ok"]
        assert browser.get(page_url, timeout=WAIT).status_code == 200
    assert [m.body for m in stored()] == ["before", "while the database is away", "after"]


def test_error_page_speaks_the_language_remembered_in_the_cookie(
        app, world, rooms, clients, database_url, make):  # noqa: F811
    url, forwarder = database_url
    user = world["mentee_a"]
    user.language = "nl"
    from core.extensions import db

    db.session.commit()
    port = free_port()
    with run_server(app, sys.executable, "wsgi_socket.py", "--port", str(port), port=port,
                    DATABASE_URL=url, **FAST) as base:
        browser = http_login(base, user)
        assert browser.get(f"{base}/chat/{rooms['shared'].id}", timeout=WAIT).status_code == 200
        client: Any = clients(base)
        client.session = browser
        client.connect(rooms["shared"])
        forwarder.kill()
        page = browser.get(f"{base}/chat/{rooms['shared'].id}", timeout=WAIT)
        assert page.status_code == 503 and 'lang="nl"' in page.text
        failed = client.send("hallo")
        assert failed["ok"] is False and "Not sent" not in failed["message"]
