"""Click through the demo in headless Chromium and check accessibility with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.demo import build_demo
from tests.browser.fixtures import axe_violations, log_in
from tests.conftest import run_server

pytestmark = pytest.mark.browser
PASSWORD = "demo passphrase for browser"


@pytest.fixture
def demo_server(app):
    with app.test_request_context():
        build_demo(PASSWORD)
    with run_server(app) as url:
        yield url



def test_mentor_logs_in_and_opens_the_course(page, demo_server):
    url = demo_server
    page.goto(f"{url}/login")
    assert axe_violations(page) == []
    log_in(page, url, "mentor1@demo.ementoring.test", PASSWORD)
    expect(page.get_by_role("heading", name="My programmes")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Blended mentoring on employment").first.click()
    page.get_by_role("heading", name="Initial mentoring and management session").wait_for()
    expect(page.get_by_role("heading", name="Sessions on employability")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("email", ["manager@demo.ementoring.test",
                                   "mentee1@demo.ementoring.test",
                                   "admin@demo.ementoring.test"])
def test_each_demo_role_can_click_through(page, demo_server, email):
    url = demo_server
    log_in(page, url, email, PASSWORD)
    page.get_by_role("link", name="Blended mentoring on employment").first.click() \
        if "admin" not in email else page.goto(f"{url}/admin/programmes")
    if "admin" in email:
        page.get_by_role("link", name="Blended mentoring on employment").first.click()
    page.get_by_role("heading", name="Managing and monitoring tools").wait_for()
    links = page.locator("ul.activities a").all()
    hrefs = [a.get_attribute("href") for a in links]
    for href in hrefs[:12]:
        resp = page.goto(url + href if href.startswith("/") else href)
        assert resp.status < 400, (email, href, resp.status)
    page.goto(f"{url}/dashboard")
    assert axe_violations(page) == []


def test_keyboard_reaches_the_main_content(page, demo_server):
    url = demo_server
    page.goto(f"{url}/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
