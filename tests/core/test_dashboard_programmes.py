"""The dashboard of a person in many programmes costs the statements of one: every
plugin's widgets are read for all of the person's programmes at once."""

from __future__ import annotations

from core.demo import PEOPLE, build_demo, demo_programme
from core.extensions import db
from core.models import Organisation, User
from tests.factories import PASSWORD


def _people() -> dict[str, User]:
    return {key: db.session.scalar(db.select(User).where(User.email == email))
            for key, email, _name, _role in PEOPLE}


def test_dashboard_statements_do_not_grow_with_programmes(app, login_as, queries):
    build_demo(password=PASSWORD)
    people = _people()
    counts: dict[int, dict[str, int]] = {}
    more: list[str] = []
    for n in (1, 4):
        while len(more) < n - 1:
            more.append(f"More mentoring {len(more) + 1}")
            demo_programme(people, more[-1], Organisation(name=f"Organisation {len(more)}"))
        counts[n] = {}
        for who in ("manager", "mentor1", "mentee1"):
            client = login_as(people[who])
            client.get("/dashboard")
            with app.app_context(), queries() as q:
                resp = client.get("/dashboard")
            assert resp.status_code == 200
            counts[n][who] = q.count
            body = resp.get_data(as_text=True)
            assert all(title in body for title in more), who
    assert counts[4] == counts[1], counts
    assert max(counts[4].values()) <= 16, counts
