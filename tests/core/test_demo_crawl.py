"""Every page of the demo that a role can reach by following links answers without
a server error, and following links (GET) writes nothing but read marks."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.factories import login

PASSWORD = "demo crawl passphrase 1"
LINK = re.compile(r'<a\s[^>]*href="([^"#][^"]*)"')
SKIP = ("/logout", "/static/", "/socket.io")
MAX_PAGES = 250


def _crawl(client) -> dict[str, int]:
    """Follow internal links breadth-first from the dashboard; return path: status."""
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue = deque(["/dashboard"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = resp.status_code
        if resp.mimetype != "text/html" or resp.status_code != 200:
            continue
        for href in LINK.findall(resp.get_data(as_text=True)):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or \
                    href.startswith(SKIP):
                continue
            # the same page with other query arguments: a few are enough
            shape = re.sub(r"\d+", "N", parts.path)
            if href not in seen and shapes.get(shape, 0) < 6:
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(href)
    return seen


@pytest.mark.parametrize("email", [
    "admin@demo.ementoring.test", "manager@demo.ementoring.test",
    "mentor1@demo.ementoring.test", "mentee1@demo.ementoring.test",
])
def test_each_demo_role_clicks_through_without_a_server_error(app, email):
    from core.models import User

    result = app.test_cli_runner().invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    from core.extensions import db

    user = db.session.scalar(db.select(User).where(User.email == email))
    assert user is not None, f"the demo has no {email}"
    client = app.test_client()
    login(client, user, PASSWORD)
    pages = _crawl(client)
    assert len(pages) > 30, f"only {len(pages)} pages reached"
    broken = {url: code for url, code in pages.items() if code >= 500}
    assert broken == {}
    refused = [url for url, code in pages.items() if code in (403, 404)]
    # a link a user is shown should open for them
    assert refused == [], refused
