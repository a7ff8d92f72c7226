"""``TRUSTED_PROXIES``: with 0 (the default) a client's ``X-Forwarded-For`` is
ignored; with 1 (nginx in front) the address nginx adds is the client's, for the
limits, the throttle and the log. A client's own ``X-Forwarded-Host`` is never
believed (it would forge the host of reset links)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from core.extensions import db
from core.models import LoginThrottle
from tests.conftest import run_server
from tests.security.accounts import post_form


def _post(base: str, path: str, data: dict[str, str], headers: dict[str, str]) -> int:
    return post_form(requests.Session(), base, path, data, headers=headers).status_code


def _throttle_ips(email: str) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(db.select(LoginThrottle.ip).where(
        LoginThrottle.email == email)))


@pytest.mark.parametrize("trusted,expected", [("0", "127.0.0.1"), ("1", "203.0.113.9")])
def test_the_client_address_behind_trusted_proxies(app, trusted, expected):
    email = f"proxy{trusted}@example.org"
    with run_server(app, TRUSTED_PROXIES=trusted) as base:
        code = _post(base, "/login", {"email": email, "password": "whatever-it-is"},
                     {"X-Forwarded-For": "203.0.113.9"})
    assert code == 200
    assert _throttle_ips(email) == {"*", expected}


def test_a_forwarded_host_never_reaches_reset_links(app, make, smtp):
    user: Any = make.user()
    with run_server(app, TRUSTED_PROXIES="1", MAIL_SERVER="127.0.0.1",
                    MAIL_PORT=str(app.config["MAIL_PORT"])) as base:
        code = _post(base, "/password/reset", {"email": user.email},
                     {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9"})
        assert code == 302
        smtp.wait(1, timeout=15)
    body = smtp.body(smtp.to(user.email)[0])
    assert "evil.example" not in body and "127.0.0.1" in body
