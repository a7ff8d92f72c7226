"""Real-browser fixtures: Debian's chromium driven by Playwright, axe-core from npm.

One browser per test session, registered in the root conftest: Playwright's sync
API cannot run two instances in one thread."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets axe's script run; the pages themselves keep their CSP
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    pg = context.new_page()
    yield pg
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return serious and critical violations."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test installs it with npm)")
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def log_in(page, base: str, email: str, password: str | None = None) -> None:
    """Log in through the real login form and wait for the dashboard."""
    if password is None:
        from tests.factories import PASSWORD

        password = PASSWORD
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/dashboard")
