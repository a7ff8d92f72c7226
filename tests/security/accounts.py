"""Helpers of the account-security tests: clients at a given address, forms posted
to a real server with their CSRF token, the path of a mailed reset link."""

from __future__ import annotations

import re
from typing import Any

import requests

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
WAIT = 10.0


def client_at(app: Any, ip: str = "127.0.0.1") -> Any:
    """A Flask test client whose requests come from ``ip``."""
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = ip
    return c


def form_token(s: requests.Session, url: str) -> str:
    """The CSRF token of the first form on the page at ``url``."""
    return CSRF.search(s.get(url, timeout=WAIT).text).group(1)


def post_form(s: requests.Session, base: str, path: str, data: dict[str, str], *,
              page: str | None = None, **kwargs: Any) -> requests.Response:
    """Post ``data`` to ``base + path`` like a browser would, with the CSRF token of
    ``page`` (default: the same path); redirects are not followed."""
    token = form_token(s, f"{base}{page or path}")
    return s.post(f"{base}{path}", data={**data, "csrf_token": token},
                  allow_redirects=False, timeout=WAIT, **kwargs)


def reset_path(smtp: Any) -> str:
    """The path of the reset link in the last mail received."""
    link = re.search(r"https?://\S+", smtp.body(smtp.wait(1)[-1])).group(0)
    return "/" + link.split("/", 3)[3]
