"""Fixtures of the monitoring tests: a diary activity and held sessions."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.extensions import db
from core.sessions import services

DIARY = {"what_we_did": "We rewrote my CV", "what_i_learned": "How to describe my skills",
         "next_step": "Send two applications", "feeling": "4", "notes": "**Good** day"}


@pytest.fixture
def held(app, world, make):
    """Group A's diary activity and a held session; group B's held session."""
    with app.test_request_context():
        act = make.activity(world["programme"], "monitoring.diary", title="Diary",
                            group_mode="separate")
        s_a = services.plan_session(world["group_a"], "monitoring.review", title="Review A",
                                    starts_at=datetime(2026, 10, 1, 10, 0))
        services.hold(s_a, {world["mentee_a"].id: "present"}, "ok")
        s_b = services.plan_session(world["group_b"], "monitoring.review", title="Review B",
                                    starts_at=datetime(2026, 10, 2, 10, 0))
        services.hold(s_b, {world["mentee_b"].id: "present"}, "ok")
        planned = services.plan_session(world["group_a"], "monitoring.review", title="Later")
        db.session.commit()
    return act, s_a, s_b, planned
