"""The lessons pages in a real browser: reading with previous/next, answering in the
journal, and axe-core finding no serious accessibility problem."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.extensions import db
from plugins.lessons.services.demo import build
from tests.browser.fixtures import axe_violations, log_in
from tests.conftest import run_server

pytestmark = pytest.mark.browser


@pytest.fixture
def course_server(app, world, make):
    prog = world["programme"]
    make.section(prog, "Tools")
    build(prog, {"manager": world["manager"], "mentor1": world["mentor_a"],
                 "mentee1": world["mentee_a"], "mentee2": world["mentee_a2"]})
    db.session.commit()
    with run_server(app) as url:
        yield url, prog



def test_mentee_reads_answers_and_pages_are_accessible(page, course_server, world):
    url, prog = course_server
    log_in(page, url, world["mentee_a2"].email)
    assert axe_violations(page) == []
    page.goto(f"{url}/lessons/p/{prog.id}")
    expect(page.get_by_role("heading", name="Track for mentees")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Getting the most out of mentoring").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Continue").click()  # two pages read in the demo
    page.get_by_role("heading", name="Sending documents and writing your diary").wait_for()
    expect(page.locator("img[alt^='How your documents travel']")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Next: Reflective questions").click()
    page.get_by_role("heading", name="Reflective questions: Mentoring").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("What would you like to be different").fill("A job in a kitchen.")
    page.get_by_label("Which document will you fill in first").fill("My CV.")
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("You completed the chapter").wait_for()
    page.get_by_role("heading", name="Learning and mentoring online").wait_for()
    page.goto(f"{url}/lessons/p/{prog.id}/journal")
    expect(page.get_by_text("A job in a kitchen.")).to_be_visible()
    assert axe_violations(page) == []


def test_manager_pages_are_accessible(page, course_server, world):
    url, prog = course_server
    log_in(page, url, world["manager"].email)
    page.goto(f"{url}/lessons/p/{prog.id}/progress")
    expect(page.get_by_role("columnheader", name="Own track")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{url}/lessons/p/{prog.id}")
    page.get_by_role("link", name="Running a blended mentoring programme").click()
    page.get_by_role("link", name="Edit the lesson").click()
    page.get_by_role("heading", name="Images").wait_for()
    assert axe_violations(page) == []
