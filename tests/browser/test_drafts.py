"""Forms survive a failed submit (chromium): the text of a long-text form is kept
as a draft in the browser, put back when the form opens again after the server
was away, and cleared once the form is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from core.extensions import db
from plugins.forum.models import Discussion
from tests.browser.fixtures import log_in
from tests.conftest import free_port, run_server

pytestmark = pytest.mark.browser

TEXT = "A long answer about my first job interview.\n\nIt went better than I feared."
DRAFTS = "() => Object.keys(localStorage).filter(k => k.startsWith('ementoring-draft:'))"


def test_text_survives_a_submit_while_the_server_is_away(page, app, world, make):
    forum = make.activity(world["programme"], "forum", plugin="forum", title="Forum")
    port = free_port()
    with run_server(app, port=port) as base:
        log_in(page, base, world["mentor_a"].email)
        page.goto(f"{base}/forum/{forum.id}/new")
        page.locator("input[name=title]").fill("Interviews")
        page.locator("textarea[name=body]").fill(TEXT)
    # the server is gone: the submit fails as a 502 or a lost connection would
    try:
        page.get_by_role("button", name="Post discussion").click()
        page.wait_for_load_state()
    except PlaywrightError:
        pass
    assert db.session.scalar(db.select(db.func.count(Discussion.id))) == 0

    with run_server(app, port=port) as base:
        page.goto(f"{base}/forum/{forum.id}/new")
        body = page.locator("textarea[name=body]")
        expect(body).to_have_value(TEXT)
        expect(page.locator(".draft-note")).to_contain_text("has been put back")
        page.locator("input[name=title]").fill("Interviews")
        page.get_by_role("button", name="Post discussion").click()
        expect(page.locator("h1")).to_contain_text("Interviews")
        # saved: the draft is gone (once the new page's deferred script has run)
        page.wait_for_load_state("load")
        page.wait_for_function(f"() => ({DRAFTS})().length === 0", timeout=10_000)
        assert page.evaluate(DRAFTS) == []
        page.goto(f"{base}/forum/{forum.id}/new")
        expect(page.locator("textarea[name=body]")).to_have_value("")
        expect(page.locator(".draft-note")).to_have_count(0)
    assert db.session.scalar(db.select(db.func.count(Discussion.id))) == 1


def test_a_refused_submit_keeps_the_draft_and_discard_drops_it(page, app, world, make):
    forum = make.activity(world["programme"], "forum", plugin="forum", title="Forum")
    with run_server(app) as base:
        log_in(page, base, world["mentor_a"].email)
        page.goto(f"{base}/forum/{forum.id}/new")
        page.locator("textarea[name=body]").fill(TEXT)
        page.get_by_role("button", name="Post discussion").click()  # no subject: refused
        expect(page.locator("textarea[name=body]")).to_have_value(TEXT)
        assert len(page.evaluate(DRAFTS)) == 1  # the form came back, not a redirect
        page.goto(f"{base}/forum/{forum.id}/new")
        expect(page.locator("textarea[name=body]")).to_have_value(TEXT)
        page.get_by_role("button", name="Discard it").click()
        expect(page.locator("textarea[name=body]")).to_have_value("")
        assert page.evaluate(DRAFTS) == []
