"""The matching pages in headless Chromium: a mentee writes a profile and asks a
suggested mentor, the mentor accepts, a manager looks at the cohort and a round;
axe-core finds no serious problems on any of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from tests.browser.fixtures import axe_violations, log_in
from tests.conftest import run_server

pytestmark = pytest.mark.browser



def test_profile_request_accept_and_round(app, world, mx, make, page):
    from plugins.matching.models import Pairing
    from plugins.matching.services import rounds
    from plugins.matching.services.pairings import today

    prog = world["programme"]
    comps = mx.competences(prog)
    mx.profile(prog, world["mentor_b"], headline="Data engineer", languages=["en"],
               competences={comps["Programming"]: (4, False)})
    mx.offer(prog, world["mentor_b"], topics=["data", "first job"], capacity=2)
    activity = make.activity(prog, "matching.round", plugin="matching", title="Spring round")
    rounds.create(activity, starts_on=today() - timedelta(days=3))
    db.session.commit()
    pid = prog.id
    with run_server(app) as url:
        log_in(page, url, world["mentee_a"].email)
        page.goto(f"{url}/p/{pid}/matching/profile")
        assert axe_violations(page) == []
        page.get_by_label("Headline", exact=True).fill("Student of data science")
        page.get_by_label("English", exact=True).check()
        page.get_by_label("Level in Programming").select_option(label="basic")
        page.get_by_label("I want to develop Programming").check()
        page.get_by_role("button", name="Save my profile").click()
        page.get_by_text("Your profile is saved.").wait_for()
        assert axe_violations(page) == []
        page.goto(f"{url}/p/{pid}/matching/people")
        assert axe_violations(page) == []
        page.goto(f"{url}/p/{pid}/matching/mentors")
        page.get_by_role("heading", name="Suggested mentors").wait_for()
        assert "Score (sum of the points above)" in page.content()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Ask Mentor B for mentoring").click()
        page.get_by_label("Why would you like this mentor?").fill(
            "I want to learn how data engineers work and find my first job.")
        page.get_by_role("button", name="Send my request").click()
        page.get_by_text("Your request is sent.").wait_for()
        assert axe_violations(page) == []
        page.goto(f"{url}/matching/round/{activity.id}")
        page.get_by_text("This week (week 1 of 5)").wait_for()
        assert axe_violations(page) == []

        mentor = page.context.browser.new_context(bypass_csp=True).new_page()
        log_in(mentor, url, world["mentor_b"].email)
        mentor.goto(f"{url}/p/{pid}/matching")
        mentor.get_by_role("link", name="From Mentee A").click()
        assert axe_violations(mentor) == []
        mentor.get_by_role("button", name="Accept and form the pair").click()
        mentor.get_by_text("You now mentor Mentee A.").wait_for()
        assert axe_violations(mentor) == []

        manager = page.context.browser.new_context(bypass_csp=True).new_page()
        log_in(manager, url, world["manager"].email)
        for path in (f"/p/{pid}/matching/cohort", f"/p/{pid}/matching/settings",
                     f"/p/{pid}/matching/pairings", f"/matching/round/{activity.id}/plan"):
            manager.goto(url + path)
            assert axe_violations(manager) == [], path
    db.session.expire_all()
    assert db.session.scalar(db.select(Pairing)).mentee_id == world["mentee_a"].id
