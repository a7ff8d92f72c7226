"""Two tabs on one worksheet (the employability CV sheet, through the core's worksheet
pages): the second save answers 409 with its answers still in the form."""

from __future__ import annotations

from datetime import datetime

from core.extensions import db
from core.sessions.services import plan_session
from plugins.employability.models import EmployabilityWorksheet
from tests.forms import form_fields, two_tabs


def test_worksheet_edit_conflict(world, login_as):
    g = world["group_a"]
    s = plan_session(g, "employability.cv", title="CV clinic", actor=world["mentor_a"],
                     starts_at=datetime(2031, 5, 6, 16, 0))
    ws = EmployabilityWorksheet(programme_id=g.programme_id, group_id=g.id, session_id=s.id,
                                mentee_id=world["mentee_a"].id, schema="employability.cv",
                                data={"target": "Cook"})
    db.session.add(ws)
    db.session.commit()
    url = f"/employability/groups/{g.id}/worksheets/{ws.id}"
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentee_a"], url)
    assert f1["f_target"] == "Cook"
    assert tab1.post(url, data={**f1, "f_target": "Baker", "action": "save"}
                     ).status_code == 302
    resp = tab2.post(url, data={**f2, "f_target": "Waiter", "action": "save"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Baker" in html and form_fields(html)["f_target"] == "Waiter"
    db.session.expire_all()
    assert db.session.get(EmployabilityWorksheet, ws.id).data["target"] == "Baker"
