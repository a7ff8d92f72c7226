"""Employability: session types with guidance, worksheets the mentee fills in and the
mentor comments on, printable, refused to everyone else."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.extensions import db
from core.models import Event
from core.plugins import registry
from plugins.employability.models import EmployabilityWorksheet, EmployabilityWorksheetComment


def _session(world, type_name="employability.cv", group="group_a"):
    from core.sessions.services import plan_session

    s = plan_session(world[group], type_name, title="CV clinic", actor=world["mentor_a"],
                     starts_at=datetime(2031, 5, 6, 16, 0))
    db.session.commit()
    return s


def _sheets():
    return db.session.execute(db.select(EmployabilityWorksheet)).scalars().all()


CV_FORM = {
    "f_target": "Kitchen assistant", "f_profile": "Calm and reliable.",
    "f_experience-0-f_period": "2024", "f_experience-0-f_role": "Volunteer cook",
    "f_experience-0-f_organisation": "Community kitchen", "f_experience-0-f_tasks": "Meals",
    "f_experience-1-f_period": "", "f_experience-1-f_role": "",
    "f_experience-1-f_organisation": "", "f_experience-1-f_tasks": "",
    "f_other_skills": "Arabic, English", "f_letter": "Dear employer,", "f_questions": "",
}


def test_hook_register_session_types_employability(app, world):
    types = {t.name: t for t in registry().session_types_for(world["programme"].id)}
    for key in ("skills", "cv", "job_search", "interview", "rights"):
        t = types[f"employability.{key}"]
        assert t.plugin == "employability" and str(t.guidance)
        assert t.worksheet_endpoint == "employability.session_worksheet"


def test_session_page_shows_guidance_to_the_mentor_and_the_worksheet_link(world, login_as):
    s = _session(world)
    url = f"/groups/{world['group_a'].id}/sessions/{s.id}"
    mentor = login_as(world["mentor_a"]).get(url).get_data(as_text=True)
    assert "Guidance for the mentor" in mentor and "Work on one real vacancy" in mentor
    assert f"/employability/groups/{world['group_a'].id}/sessions/{s.id}/worksheet" in mentor
    mentee = login_as(world["mentee_a"]).get(url).get_data(as_text=True)
    assert "Guidance for the mentor" not in mentee and "Open the worksheet" in mentee


def test_mentee_fills_in_saves_a_draft_then_submits(world, login_as):
    s = _session(world)
    g = world["group_a"]
    c = login_as(world["mentee_a"])
    start = c.get(f"/employability/groups/{g.id}/sessions/{s.id}/worksheet")
    assert start.status_code == 302 and f"/worksheets/new/cv?session={s.id}" in \
        start.headers["Location"]
    form = c.get(start.headers["Location"]).get_data(as_text=True)
    assert 'name="f_experience-2-f_role"' in form  # empty rows to fill in
    assert _sheets() == []  # GET creates nothing

    draft = dict(CV_FORM, f_profile="", action="save")
    resp = c.post(f"/employability/groups/{g.id}/worksheets/new/cv?session={s.id}", data=draft)
    assert resp.status_code == 302
    (ws,) = _sheets()
    assert (ws.status, ws.session_id, ws.mentee_id) == ("draft", s.id, world["mentee_a"].id)
    assert ws.data["experience"] == [{"period": "2024", "role": "Volunteer cook",
                                      "organisation": "Community kitchen", "tasks": "Meals"}]
    # the session link now leads to the same worksheet
    again = c.get(f"/employability/groups/{g.id}/sessions/{s.id}/worksheet")
    assert again.headers["Location"].endswith(f"/worksheets/{ws.id}")

    # submitting needs the required answers; what was typed stays
    url = f"/employability/groups/{g.id}/worksheets/{ws.id}"
    refused = c.post(url, data=dict(draft, f_letter="Second draft", action="submit"))
    assert refused.status_code == 200
    body = refused.get_data(as_text=True)
    assert "Answer these before submitting" in body and "Second draft" in body
    db.session.expire_all()
    assert db.session.get(EmployabilityWorksheet, ws.id).status == "draft"

    ok = c.post(url, data=dict(CV_FORM, action="submit"))
    assert ok.status_code == 302
    db.session.expire_all()
    ws = db.session.get(EmployabilityWorksheet, ws.id)
    assert ws.status == "submitted" and ws.data["profile"] == "Calm and reliable."
    events = db.session.execute(db.select(Event).where(
        Event.name == "worksheet_submitted")).scalars().all()
    assert len(events) == 1 and events[0].data["schema"] == "employability.cv"
    assert events[0].group_id == g.id


def test_mentor_comments_and_cannot_change_the_answers(world, login_as):
    from core.worksheets.records import create_worksheet
    from plugins.employability.schemas import CV

    s = _session(world)
    ws = create_worksheet(EmployabilityWorksheet, CV, world["group_a"], world["mentee_a"],
                          {"target": "Cook", "profile": "Me"}, session=s, submitted=True)
    db.session.commit()
    g = world["group_a"]
    url = f"/employability/groups/{g.id}/worksheets/{ws.id}"
    mentor = login_as(world["mentor_a"])
    page = mentor.get(url).get_data(as_text=True)
    assert "Cook" in page and 'name="f_target"' not in page and "Add the comment" in page
    assert mentor.post(url, data={"f_target": "Changed", "action": "save"}).status_code == 404
    r = mentor.post(url + "/comments", data={"field": "profile", "body": "Say **more**."})
    assert r.status_code == 302 and r.headers["Location"].endswith("#field-profile")
    mentor.post(url + "/comments", data={"field": "", "body": "Good start."})
    assert mentor.post(url + "/comments", data={"field": "nope", "body": "x"}).status_code == 302
    assert mentor.post(url + "/comments", data={"field": "", "body": "  "}).status_code == 302
    comments = db.session.execute(db.select(EmployabilityWorksheetComment)
                                  .order_by(EmployabilityWorksheetComment.id)).scalars().all()
    assert [(c.field, c.body_html) for c in comments] == [
        ("profile", "<p>Say <strong>more</strong>.</p>"), ("", "<p>Good start.</p>")]
    assert db.session.get(EmployabilityWorksheet, ws.id).data["target"] == "Cook"

    mentee_page = login_as(world["mentee_a"]).get(url).get_data(as_text=True)
    assert "Say <strong>more</strong>." in mentee_page and "Good start." in mentee_page
    assert 'name="f_target"' in mentee_page  # the mentee can still edit
    assert login_as(world["mentee_a"]).post(url + "/comments",
                                            data={"body": "self-praise"}).status_code == 404

    printed = mentor.get(url + "/print")
    assert printed.status_code == 200
    text = printed.get_data(as_text=True)
    assert 'class="printable"' in text and "Cook" in text and "Say <strong>more</strong>." in text


ACTIONS = {
    "view": ("get", ""),
    "print": ("get", "/print"),
    "comment": ("post", "/comments"),
    "edit": ("post", ""),
}
ALLOWED = {  # who -> actions allowed on Mentee A's worksheet in Group A
    "mentee_a": {"view", "print", "edit"},
    "mentor_a": {"view", "print", "comment"},
    "manager": {"view", "print", "comment"},
    "mentee_a2": set(),  # same group, someone else's worksheet
    "mentor_b": set(),
    "mentee_b": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_worksheet_permission_matrix(world, login_as, who, action):
    from core.worksheets.records import create_worksheet
    from plugins.employability.schemas import SKILLS

    ws = create_worksheet(EmployabilityWorksheet, SKILLS, world["group_a"], world["mentee_a"],
                          {"interests": "secret answer"})
    db.session.commit()
    method, suffix = ACTIONS[action]
    url = f"/employability/groups/{world['group_a'].id}/worksheets/{ws.id}{suffix}"
    data = {"body": "hello", "f_interests": "edited", "action": "save"}
    resp = getattr(login_as(world[who]), method)(url, data=data) if method == "post" \
        else login_as(world[who]).get(url)
    if action in ALLOWED[who]:
        assert resp.status_code in (200, 302)
    else:
        assert resp.status_code == 404
        assert "secret answer" not in resp.get_data(as_text=True)


def test_other_group_cannot_reach_a_worksheet_through_its_own_group(world, login_as):
    from core.worksheets.records import create_worksheet
    from plugins.employability.schemas import SKILLS

    ws = create_worksheet(EmployabilityWorksheet, SKILLS, world["group_a"], world["mentee_a"],
                          {"interests": "secret"})
    db.session.commit()
    c = login_as(world["mentor_b"])
    url = f"/employability/groups/{world['group_b'].id}/worksheets/{ws.id}"
    assert c.get(url).status_code == 404
    assert c.post(url + "/comments", data={"body": "x"}).status_code == 404
    listing = c.get(f"/employability/groups/{world['group_b'].id}/worksheets")
    assert listing.status_code == 200 and "secret" not in listing.get_data(as_text=True)
    s = _session(world)
    other = login_as(world["mentee_b"])
    # group B's mentee cannot start a worksheet for group A's session
    assert other.get(f"/employability/groups/{world['group_b'].id}/worksheets/new/cv"
                     f"?session={s.id}").status_code == 404
    assert other.get(f"/employability/groups/{world['group_a'].id}/sessions/{s.id}/worksheet"
                     ).status_code == 404


def test_worksheet_list_and_session_overview_for_the_mentor(world, login_as):
    from core.worksheets.records import create_worksheet
    from plugins.employability.schemas import CV

    s = _session(world)
    create_worksheet(EmployabilityWorksheet, CV, world["group_a"], world["mentee_a"],
                     {"target": "Cook"}, session=s, submitted=True)
    db.session.commit()
    g = world["group_a"]
    mentor = login_as(world["mentor_a"])
    overview = mentor.get(f"/employability/groups/{g.id}/sessions/{s.id}/worksheet")
    body = overview.get_data(as_text=True)
    assert overview.status_code == 200 and "Mentee A2" in body and "Not started yet." in body
    listing = mentor.get(f"/employability/groups/{g.id}/worksheets").get_data(as_text=True)
    assert "Mentee A" in listing and "CV and cover letter" in listing
    mentee2 = login_as(world["mentee_a2"]).get(f"/employability/groups/{g.id}/worksheets")
    body2 = mentee2.get_data(as_text=True)
    assert "No worksheets yet." in body2 and "/worksheets/new/cv" in body2


def test_numbers_and_choices_are_checked(world, login_as):
    c = login_as(world["mentee_a"])
    g = world["group_a"]
    resp = c.post(f"/employability/groups/{g.id}/worksheets/new/job_search", data={
        "f_goal": "Bike mechanic", "f_hours": "eighty", "f_channels": ["portals", "bogus"],
        "f_support": "keep me", "action": "save"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "Not a valid decimal value" in body and "keep me" in body
    assert _sheets() == []
    c.post(f"/employability/groups/{g.id}/worksheets/new/job_search", data={
        "f_goal": "Bike mechanic", "f_hours": "12.5", "f_channels": ["portals", "network"],
        "f_steps-0-f_step": "Visit three shops", "f_steps-0-f_by": "2031-05-10",
        "f_steps-0-f_done": "no", "action": "save"})
    (ws,) = _sheets()
    assert ws.data["hours"] == "12.50" and ws.data["channels"] == ["portals", "network"]
    assert ws.data["steps"] == [{"step": "Visit three shops", "by": "2031-05-10", "done": "no"}]
    page = c.get(f"/employability/groups/{g.id}/worksheets/{ws.id}").get_data(as_text=True)
    assert 'value="12.50"' in page and 'value="2031-05-10"' in page


def test_group_page_links_to_worksheets(world, login_as):
    page = login_as(world["mentee_a"]).get(f"/groups/{world['group_a'].id}")
    assert f"/employability/groups/{world['group_a'].id}/worksheets" in page.get_data(
        as_text=True)


def test_worksheet_list_costs_the_same_queries_for_10_and_200_worksheets(world, login_as,
                                                                         queries):
    from core.worksheets.records import create_worksheet
    from plugins.employability.schemas import SKILLS

    s = _session(world)
    c = login_as(world["mentor_a"])
    url = f"/employability/groups/{world['group_a'].id}/worksheets"
    counts = []
    for n in (10, 190):
        for i in range(n):
            create_worksheet(EmployabilityWorksheet, SKILLS, world["group_a"],
                             world["mentee_a" if i % 2 else "mentee_a2"], {"interests": "x"},
                             session=s if i % 3 else None)
        db.session.commit()
        c.get(url)
        with queries() as q:
            assert c.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]
