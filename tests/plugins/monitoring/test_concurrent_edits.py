"""Two tabs on a diary entry or a monitoring report: the second save answers 409 with
its text still in the form and the first save stays, whether the first one created
the row or changed it."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.monitoring.models import DiaryEntry, MonitoringReport
from tests.forms import form_fields, second_save_refused, two_tabs
from tests.plugins.monitoring.conftest import DIARY


@pytest.mark.parametrize("existing", [False, True])
def test_diary_conflict(world, held, login_as, existing):
    act, s_a, _s_b, _p = held
    url = f"/monitoring/{act.id}/diary/{world['group_a'].id}/{s_a.id}"
    if existing:
        assert login_as(world["mentee_a"]).post(url, data=DIARY).status_code == 302
    tab1, f1, tab2, f2 = two_tabs(login_as, world["mentee_a"], url)
    assert f1["version"] == ("1" if existing else "0")
    assert tab1.post(url, data={**f1, **DIARY, "next_step": "Step from tab one"}
                     ).status_code == 302
    resp = tab2.post(url, data={**f2, **DIARY, "next_step": "Step from tab two"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Step from tab one" in html
    assert form_fields(html)["next_step"] == "Step from tab two"
    db.session.expire_all()
    rows = db.session.scalars(db.select(DiaryEntry)).all()
    assert [r.next_step for r in rows] == ["Step from tab one"]


@pytest.mark.parametrize("existing", [False, True])
def test_report_conflict(world, held, login_as, existing):
    _act, s_a, _s_b, _p = held
    url = f"/monitoring/groups/{world['group_a'].id}/sessions/{s_a.id}/report"
    if existing:
        assert login_as(world["mentor_a"]).post(url, data={"progress": "Start"}
                                                ).status_code == 302
    second_save_refused(login_as, world["mentor_a"], url, "progress", "Progress one",
                        "Progress two")
    assert [r.progress_source for r in db.session.scalars(db.select(MonitoringReport))] == [
        "Progress one"]
