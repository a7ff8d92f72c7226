"""After login the browser goes only to a page of this site, whatever ``next`` says:
``safe_next`` normalises first and tests the value it returns (a property test
throws thousands of hostile values at it), and the real login answers alike."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.security import safe_next
from tests.factories import PASSWORD

SITE = "http://site.example/"
FALLBACK = "/dashboard"
KNOWN = [
    "/.//evil.example", "/a/..//evil.example", "/./\\evil.example", "//evil.example",
    "/\\evil.example", "\\\\evil.example", "https:evil.example", "https://evil.example/",
    "http:/\\evil.example", "/\t/evil.example", "/\n/evil.example", "\t//evil.example",
    " //evil.example", "/%2e//evil.example", "/.%2f/evil.example", "///evil.example",
    "/../../evil.example//x", "/a/b/../../..//evil.example", "javascript:alert(1)",
    "data:text/html,x", "/.\\/evil.example", "/\r\n//evil.example", "\x00//evil.example",
    "https:\\\\evil.example", "/..\\..\\\\evil.example", "\\/evil.example",
    "http://site.example@evil.example/", "//site.example@evil.example",
]
PIECES = ["/", "\\", ".", "..", "//", "/.", "/..", "%2f", "%5c", "%2e", "%09", "\t", "\n",
          "\r", " ", "\x00", "\x0b", "\x7f", "\u3000", "\uff0f", "evil.example", "site.example",
          "https:", "http:", "javascript:", "@", "?", "#", ":", "a", "b/", "next=//x", "&"]
_BROWSER_DROPS = re.compile(r"[\t\n\r]")


def leaves_site(location: str) -> bool:
    """Whether a browser given ``Location: location`` on SITE could end up elsewhere.
    Browsers drop tabs and newlines, strip leading spaces and controls and read a
    backslash as a slash, so both the raw and the browser's reading are checked."""
    readings = {location, _BROWSER_DROPS.sub("", location).lstrip(" \x00\x1f")
                .replace("\\", "/")}
    for text in readings:
        if not text.startswith("/") or text.startswith(("//", "/\\")):
            return True
        if urlsplit(urljoin(SITE, text)).netloc != "site.example":
            return True
    return any(ord(c) < 32 or ord(c) == 127 for c in location)


@pytest.fixture
def on_site(app):
    with app.test_request_context("/", base_url=SITE):
        yield


@pytest.mark.parametrize("target", KNOWN)
def test_known_hostile_values_stay_on_site(on_site, target):
    assert not leaves_site(safe_next(target, FALLBACK)), target


@pytest.mark.parametrize("target,expected", [
    ("/p/1/course", "/p/1/course"), ("/p/1/../2/x?y=1", "/p/2/x?y=1"),
    ("http://site.example/profile", "/profile"), ("", FALLBACK), (None, FALLBACK),
])
def test_own_pages_are_kept(on_site, target, expected):
    assert safe_next(target, FALLBACK) == expected


@settings(max_examples=1500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_no_generated_value_leaves_the_site(on_site, target):
    assert not leaves_site(safe_next(target, FALLBACK)), repr(target)


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_no_random_text_leaves_the_site(on_site, target):
    assert not leaves_site(safe_next(target, FALLBACK)), repr(target)


@pytest.mark.parametrize("target", ["/.//evil.example", "/a/..//evil.example",
                                    "/./\\evil.example", "/\t/evil.example"])
def test_login_redirects_only_inside(app, make, target):
    user = make.user()
    resp = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD,
                                                  "next": target})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert not leaves_site(location), location
