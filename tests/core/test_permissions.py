"""The permission matrix of core capabilities × roles, with group scoping."""

from __future__ import annotations

import pytest

from core.permissions import can
from core.plugins import registry

ROLES = ["manager", "mentor_a", "mentee_a", "outsider", "admin"]

# capability -> roles (world keys) that hold it in the programme
EXPECTED = {
    "core.use": {"manager", "mentor_a", "mentee_a", "outsider", "admin"},
    "core.admin": {"admin"},
    "core.view_course": {"manager", "mentor_a", "mentee_a", "admin"},
    "core.manage_course": {"manager", "admin"},
    "core.view_members": {"manager", "mentor_a", "mentee_a", "admin"},
    "core.manage_members": {"manager", "admin"},
    "core.manage_groups": {"manager", "admin"},
    "core.view_group": {"manager", "mentor_a", "mentee_a", "admin"},
    "core.manage_plugins": {"manager", "admin"},
    "core.view_events": {"manager", "admin"},
}


@pytest.mark.parametrize("cap", sorted(EXPECTED))
@pytest.mark.parametrize("who", ROLES)
def test_core_capability_matrix(app, world, cap, who):
    with app.test_request_context():
        assert can(world[who], cap, world["programme"]) == (who in EXPECTED[cap])


def test_every_core_capability_is_in_the_matrix(app):
    core_caps = {n for n in registry().capabilities if n.startswith("core.")}
    # session and calendar capabilities have their own matrix in test_sessions*
    untested = {c for c in core_caps - set(EXPECTED)
                if "session" not in c and "calendar" not in c}
    assert untested == set()


@pytest.mark.parametrize("who,own,other", [
    ("manager", True, True), ("mentor_a", True, False), ("mentee_a", True, False),
    ("mentee_b", False, True), ("outsider", False, False), ("admin", True, True),
])
def test_group_scope(app, world, who, own, other):
    with app.test_request_context():
        user = world[who]
        assert can(user, "core.view_group", world["programme"], world["group_a"]) == own
        assert can(user, "core.view_group", world["programme"], world["group_b"]) == other


def test_group_of_another_programme_is_refused(app, world, make):
    other = make.programme()
    foreign = make.group(other, "Foreign")
    with app.test_request_context():
        assert not can(world["manager"], "core.view_group", world["programme"], foreign)


def test_inactive_user_holds_nothing(app, world):
    from core.extensions import db

    world["manager"].active = False
    db.session.commit()
    with app.test_request_context():
        assert not can(world["manager"], "core.view_course", world["programme"])


def test_unknown_capability_is_a_programming_error(app, world):
    with app.test_request_context(), pytest.raises(LookupError):
        can(world["manager"], "core.no_such_thing", world["programme"])


# --- the same matrix through the pages -------------------------------------------


PAGES = {
    "course": ("/p/{p}", {"manager", "mentor_a", "mentee_a", "admin"}),
    "members": ("/p/{p}/members", {"manager", "mentor_a", "mentee_a", "admin"}),
    "invite": ("/p/{p}/invite", {"manager", "admin"}),
    "new_section": ("/p/{p}/sections/new", {"manager", "admin"}),
    "plugins": ("/p/{p}/plugins", {"manager", "admin"}),
    "group_a": ("/groups/{a}", {"manager", "mentor_a", "mentee_a", "admin"}),
    "group_b": ("/groups/{b}", {"manager", "admin"}),
    "admin": ("/admin/", {"admin"}),
    "admin_users": ("/admin/users", {"admin"}),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("who", ROLES)
def test_pages_matrix(app, world, login_as, page, who):
    url, allowed = PAGES[page]
    url = url.format(p=world["programme"].id, a=world["group_a"].id, b=world["group_b"].id)
    resp = login_as(world[who]).get(url)
    if who in allowed:
        assert resp.status_code == 200, (who, url)
    else:
        assert resp.status_code in (403, 404), (who, url, resp.status_code)
        body = resp.get_data(as_text=True)
        assert "Group B" not in body or page != "group_b"


def test_mentee_of_group_a_gets_404_for_group_b(app, world, login_as):
    resp = login_as(world["mentee_a"]).get(f"/groups/{world['group_b'].id}")
    assert resp.status_code == 404
    assert world["mentee_b"].display_name not in resp.get_data(as_text=True)


def test_anonymous_is_sent_to_login(app, client, world):
    resp = client.get(f"/p/{world['programme'].id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
