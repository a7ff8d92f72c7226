"""A number no id can reach, in any ``<int:...>`` part of any route, answers 404
(never a 500 from the database driver overflowing); a path whose other method
has a rule of its own may answer 405."""

from __future__ import annotations

import re

import pytest

from tests.security.routes import fill, int_params, methods

HUGE = [str(2**31), str(2**63), str(10**30), "9" * 5000]


@pytest.mark.parametrize("huge", HUGE, ids=["2^31", "2^63", "10^30", "5000 digits"])
def test_huge_ids_answer_404_on_every_route(app, make, login_as, huge):
    admin = make.user(admin=True)
    prog = make.programme()
    client = login_as(admin)
    rules = [r for r in app.url_map.iter_rules() if int_params(r)]
    assert len(rules) > 100
    wrong = []
    for rule in rules:
        names = int_params(rule)
        for name in names:
            values = {n: prog.id for n in names} | {name: huge}
            url = fill(rule, values)
            for method in methods(rule):
                status = client.open(url, method=method).status_code
                # 405: the same path has a rule for the other method
                if status not in (404, 405):
                    wrong.append((method, rule.rule, name, status))
    assert wrong == [], wrong


def test_ids_in_range_still_route(app, make, login_as):
    admin = make.user(admin=True)
    prog = make.programme()
    client = login_as(admin)
    assert client.get(f"/p/{prog.id}").status_code == 200
    assert client.get(f"/p/{2**31 - 1}").status_code == 404


def test_huge_ids_in_query_and_form_arguments_are_ignored(app, login_as):
    """Ids read from query or form arguments (``?before=``, ``?session=``, ``parent``)
    outside the database's range never overflow in the database driver."""
    from core.extensions import db
    from core.models import Activity, MentoringGroup, User
    from plugins.matching.models import Round
    from tests.factories import login

    password = "demo huge ids passphrase 1"
    assert app.test_cli_runner().invoke(args=["demo", "--password", password]).exit_code == 0
    mentee = db.session.scalar(db.select(User).where(User.email.like("mentee1@%")))
    client = app.test_client()
    login(client, mentee, password)
    chat = db.session.scalar(db.select(Activity.id).where(Activity.type == "chat.room"))
    group = db.session.scalar(db.select(MentoringGroup.id).where(MentoringGroup.name == "Group A"))
    round_id = db.session.scalar(db.select(Round.activity_id))
    page = client.get(f"/employability/groups/{group}/worksheets").get_data(as_text=True)
    key = re.search(r"/worksheets/new/([\w-]+)", page)[1]
    for huge in HUGE:
        assert client.get(f"/chat/{chat}?before={huge}").status_code == 200
        assert client.get(f"/employability/groups/{group}/worksheets/new/{key}"
                          f"?session={huge}").status_code in (200, 404)
        assert client.post(f"/matching/round/{round_id}/posts",
                           data={"parent": huge, "body": "Hello"}).status_code < 500
