"""Entrepreneurship: the business model canvas as a CSS grid, the first budget with
validated numbers and computed totals, access by group, and the plugin switched
off and on in a programme."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.extensions import db
from core.plugins import registry
from plugins.entrepreneurship.models import (
    EntrepreneurshipWorksheet,
    EntrepreneurshipWorksheetComment,
)
from plugins.entrepreneurship.schemas import CANVAS_BLOCKS

BLOCKS = [name for name, _label, _help in CANVAS_BLOCKS]


def _session(world, type_name="entrepreneurship.canvas", group="group_a"):
    from core.sessions.services import plan_session

    s = plan_session(world[group], type_name, title="Canvas session", actor=world["mentor_a"],
                     starts_at=datetime(2031, 6, 3, 17, 0))
    db.session.commit()
    return s


def _sheets():
    return db.session.execute(db.select(EntrepreneurshipWorksheet)).scalars().all()


def test_hook_register_session_types_entrepreneurship(app, world):
    names = {t.name for t in registry().session_types_for(world["programme"].id)}
    assert {f"entrepreneurship.{k}" for k in ("idea", "canvas", "market", "budget", "pitch")} \
        <= names


def test_canvas_has_nine_blocks_on_a_grid_edited_by_the_mentee(world, login_as, client):
    s = _session(world)
    g = world["group_a"]
    mentee = login_as(world["mentee_a"])
    start = mentee.get(f"/entrepreneurship/groups/{g.id}/sessions/{s.id}/worksheet")
    page = mentee.get(start.headers["Location"]).get_data(as_text=True)
    assert 'class="ws-sheet ws-layout-canvas"' in page
    assert "/entrepreneurship/static/canvas.css" in page
    for block in BLOCKS:
        assert f'class="ws-block ws-area-{block}"' in page
        assert f'<label for="f_{block}">' in page  # readable and usable without JS
    # the canvas needs no script of its own: only the site-wide print and draft helpers
    own = page.replace('<script src="/static/core/print.js"', "").replace(
        '<script src="/static/core/drafts.js"', "")
    assert "<script" not in own
    css = client.get("/entrepreneurship/static/canvas.css")  # no login needed for CSS
    assert css.status_code == 200 and b"grid-template-areas" in css.data
    assert b".ws-area-value_propositions { grid-area: vp; }" in css.data

    data = {f"f_{b}": f"notes on {b}" for b in BLOCKS}
    resp = mentee.post(start.headers["Location"], data=dict(data, action="submit"))
    assert resp.status_code == 302
    (ws,) = _sheets()
    assert ws.data == {b: f"notes on {b}" for b in BLOCKS} and ws.status == "submitted"

    url = f"/entrepreneurship/groups/{g.id}/worksheets/{ws.id}"
    mentor = login_as(world["mentor_a"])
    mentor.post(url + "/comments", data={"field": "revenue_streams",
                                         "body": "Who pays, and how much?"})
    comment = db.session.execute(db.select(EntrepreneurshipWorksheetComment)).scalar_one()
    assert comment.field == "revenue_streams"
    shown = mentor.get(url).get_data(as_text=True)
    block = shown.split('id="field-revenue_streams"')[1].split("</section>")[0]
    assert "notes on revenue_streams" in block and "Who pays, and how much?" in block
    printed = mentor.get(url + "/print").get_data(as_text=True)
    assert "ws-layout-canvas" in printed and "canvas.css" in printed


def test_budget_validates_numbers_and_computes_totals(world, login_as):
    g = world["group_a"]
    c = login_as(world["mentee_a"])
    url = f"/entrepreneurship/groups/{g.id}/worksheets/new/budget"
    bad = c.post(url, data={
        "f_start_costs-0-f_item": "Bike", "f_start_costs-0-f_amount": "9OO",
        "f_start_costs-1-f_item": "Course", "f_start_costs-1-f_amount": "-5",
        "f_notes": "do not lose me", "action": "save"})
    assert bad.status_code == 200
    body = bad.get_data(as_text=True)
    assert "Not a valid decimal value" in body and "Number must be between 0 and" in body
    assert 'value="9OO"' in body and "do not lose me" in body
    assert _sheets() == []

    ok = c.post(url, data={
        "f_start_costs-0-f_item": "Bike", "f_start_costs-0-f_amount": "900",
        "f_start_costs-1-f_item": "Course", "f_start_costs-1-f_amount": "150.5",
        "f_start_costs-2-f_item": "", "f_start_costs-2-f_amount": "",
        "f_income-0-f_item": "Lunches", "f_income-0-f_amount": "1248",
        "f_costs-0-f_item": "Ingredients", "f_costs-0-f_amount": "520",
        "f_costs-1-f_item": "Rent", "f_costs-1-f_amount": "200",
        "f_own_money": "600", "action": "save"})
    assert ok.status_code == 302
    (ws,) = _sheets()
    assert ws.data["start_costs"] == [{"item": "Bike", "amount": "900.00"},
                                      {"item": "Course", "amount": "150.50"}]
    page = c.get(ok.headers["Location"]).get_data(as_text=True)
    assert "1,050.50" in page  # start-up total
    assert "720.00" in page and "528.00" in page  # monthly costs and result
    assert "Months to earn back the start-up costs" in page and "2.00" in page
    assert "450.50" in page  # still to finance: 1050.50 - 600


def test_budget_summary_without_income():
    from plugins.entrepreneurship.schemas import budget_summary

    rows = dict((str(k), v) for k, v in budget_summary({
        "start_costs": [{"item": "x", "amount": "100.00"}], "costs": [{"amount": "10"}]}))
    assert rows["Result per month"] == -10
    assert "Months to earn back the start-up costs" not in rows


@pytest.mark.parametrize("who,status", [
    ("mentee_a", 200), ("mentor_a", 200), ("manager", 200), ("mentee_a2", 404),
    ("mentor_b", 404), ("mentee_b", 404), ("outsider", 404)])
def test_other_groups_are_refused(world, login_as, who, status):
    from core.worksheets.records import create_worksheet
    from plugins.entrepreneurship.schemas import IDEA

    ws = create_worksheet(EntrepreneurshipWorksheet, IDEA, world["group_a"], world["mentee_a"],
                          {"idea": "A secret idea"})
    db.session.commit()
    c = login_as(world[who])
    for suffix in ("", "/print"):
        resp = c.get(f"/entrepreneurship/groups/{world['group_a'].id}/worksheets/{ws.id}"
                     f"{suffix}")
        assert resp.status_code == status
        assert ("A secret idea" in resp.get_data(as_text=True)) == (status == 200)
    if who in ("mentor_b", "mentee_b"):
        resp = c.get(f"/entrepreneurship/groups/{world['group_b'].id}/worksheets/{ws.id}")
        assert resp.status_code == 404


def test_disabling_entrepreneurship_keeps_employability_and_the_data(world, login_as):
    from core.sessions.services import plan_session
    from core.worksheets.records import create_worksheet
    from plugins.entrepreneurship.schemas import BUDGET

    prog, g = world["programme"], world["group_a"]
    s = _session(world, "entrepreneurship.budget")
    plan_session(g, "employability.cv", title="CV clinic", starts_at=datetime(2031, 6, 5, 9, 0))
    ws = create_worksheet(EntrepreneurshipWorksheet, BUDGET, g, world["mentee_a"],
                          {"own_money": "10.00"}, session=s)
    db.session.commit()
    mentee, mentor = login_as(world["mentee_a"]), login_as(world["mentor_a"])
    url = f"/entrepreneurship/groups/{g.id}/worksheets/{ws.id}"

    registry().set_enabled(prog.id, "entrepreneurship", False)
    assert mentee.get(url).status_code == 404
    assert mentee.get(f"/entrepreneurship/groups/{g.id}/worksheets/new/budget").status_code == 404
    assert mentor.get(f"/groups/{g.id}/sessions/{s.id}").status_code == 404
    plan = mentee.get(f"/groups/{g.id}/sessions").get_data(as_text=True)
    assert "Canvas session" not in plan and "CV clinic" in plan
    form = mentor.get(f"/groups/{g.id}/sessions/new").get_data(as_text=True)
    assert "entrepreneurship." not in form and "employability.cv" in form
    assert "entrepreneurship/groups" not in mentee.get(f"/groups/{g.id}").get_data(as_text=True)
    assert "employability/groups" in mentee.get(f"/groups/{g.id}").get_data(as_text=True)

    registry().set_enabled(prog.id, "entrepreneurship", True)
    assert mentee.get(url).status_code == 200
    assert "Canvas session" in mentee.get(f"/groups/{g.id}/sessions").get_data(as_text=True)
    assert db.session.get(EntrepreneurshipWorksheet, ws.id).data == {"own_money": "10.00"}


def test_demo_has_a_canvas_and_a_budget(app):
    from core.demo import build_demo

    with app.test_request_context():
        assert build_demo("demo-password-for-tests")
    kinds = {w.schema for w in _sheets()}
    assert {"entrepreneurship.canvas", "entrepreneurship.budget"} <= kinds
