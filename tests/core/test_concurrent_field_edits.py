"""Forms versioned by the fields they edit (the row also changes for other reasons):
the second of two tabs gets 409 with its text kept; other changes of the row (a
visit updating ``last_seen_at``, a plugin setting the group's status) are no conflict."""

from __future__ import annotations

from sqlalchemy import update

from core.extensions import db
from core.models import MentoringGroup, User
from tests.forms import form_fields, second_save_refused, two_tabs


def _profile(name: str, **extra: str) -> dict[str, str]:
    return {"display_name": name, **extra}


def test_profile_second_tab_is_refused(world, login_as):
    user = world["mentee_a"]
    page = second_save_refused(login_as, user, "/profile", "display_name", "Name one",
                               "Name two")
    assert "Someone else saved this while you were editing it" in page
    assert "Name one" in page  # the saved value, in the differences
    assert db.session.get(User, user.id).display_name == "Name one"


def test_profile_visit_in_between_is_no_conflict(world, login_as):
    user = world["mentee_a"]
    tab1, f1, tab2, _f2 = two_tabs(login_as, user, "/profile")
    # an hour later the next request writes last_seen_at (and so the user row)
    db.session.execute(update(User).where(User.id == user.id).values(last_seen_at=None))
    db.session.commit()
    assert tab2.get("/").status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(User, user.id).last_seen_at is not None
    assert tab1.post("/profile", data={**f1, "display_name": "Renamed"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Renamed"


def test_profile_merged_after_conflict_is_saved(world, login_as):
    user = world["mentee_a"]
    tab1, f1, tab2, f2 = two_tabs(login_as, user, "/profile")
    assert tab1.post("/profile", data={**f1, "display_name": "One"}).status_code == 302
    resp = tab2.post("/profile", data={**f2, "display_name": "Two"})
    assert resp.status_code == 409
    kept = form_fields(resp.get_data(as_text=True))
    assert tab2.post("/profile", data={**kept, "display_name": "One and two"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "One and two"


def _group_form(client, group_id: int, having: str) -> dict[str, str]:
    return form_fields(client.get(f"/groups/{group_id}").get_data(as_text=True), having=having)


def _second_group_save(world, login_as, action: str, field: str, first: str,
                       second: str) -> str:
    """Two tabs load the group page; the first saves ``field`` through ``action``, the
    second must get 409 with its value kept. Returns that page."""
    gid = world["group_a"].id
    tab1, tab2 = login_as(world["manager"]), login_as(world["manager"])
    f1, f2 = _group_form(tab1, gid, field), _group_form(tab2, gid, field)
    url = f"/groups/{gid}/{action}"
    assert tab1.post(url, data={**f1, field: first}).status_code == 302
    resp = tab2.post(url, data={**f2, field: second})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert form_fields(html, having=field)[field] == second
    return html


def _group(world) -> MentoringGroup:
    db.session.expire_all()
    return db.session.get(MentoringGroup, world["group_a"].id)


def test_group_rename_second_tab_is_refused(world, login_as):
    html = _second_group_save(world, login_as, "rename", "name", "Group one", "Group two")
    assert "Someone else saved this while you were editing it" in html
    assert _group(world).name == "Group one"


def test_group_status_second_tab_is_refused(world, login_as):
    _second_group_save(world, login_as, "status", "status", "completed", "closed")
    assert _group(world).status == "completed"


def test_group_row_changed_elsewhere_is_no_conflict(world, login_as):
    gid = world["group_a"].id
    tab = login_as(world["manager"])
    rename = _group_form(tab, gid, "name")
    # another writer of the row (a plugin carrying a pairing's end over) sets the status
    db.session.execute(update(MentoringGroup).where(MentoringGroup.id == gid)
                       .values(status="extended"))
    db.session.commit()
    assert tab.post(f"/groups/{gid}/rename", data={**rename, "name": "New name"}) \
        .status_code == 302
    group = _group(world)
    assert (group.name, group.status) == ("New name", "extended")
