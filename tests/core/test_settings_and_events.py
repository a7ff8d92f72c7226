"""Programme settings page, delete events, news filtering and last-seen refresh."""

from __future__ import annotations

from datetime import timedelta

from core.events import emit
from core.extensions import db
from core.models import Event, Programme, User, utcnow
from core.plugins import registry, setting


def _a_setting():
    decl = sorted(registry().settings.values(), key=lambda s: (s.plugin, s.name))
    return next((s for s in decl if s.type is int), None)


def test_manager_edits_programme_settings(app, world, login_as):
    decl = _a_setting()
    if decl is None:
        return
    prog = world["programme"]
    c = login_as(world["manager"])
    page = c.get(f"/p/{prog.id}/settings").get_data(as_text=True)
    assert f'name="{decl.plugin}.{decl.name}"' in page
    bad = c.post(f"/p/{prog.id}/settings", data={f"{decl.plugin}.{decl.name}": "lots"})
    assert "Enter a whole number" in bad.get_data(as_text=True)
    assert setting(prog.id, decl.plugin, decl.name) == decl.default
    c.post(f"/p/{prog.id}/settings", data={f"{decl.plugin}.{decl.name}": "7"})
    db.session.expire_all()
    assert setting(prog.id, decl.plugin, decl.name) == 7
    assert login_as(world["mentor_a"]).get(f"/p/{prog.id}/settings").status_code == 404


def test_disabled_plugins_settings_are_not_offered(app, world, login_as):
    decl = _a_setting()
    if decl is None:
        return
    prog = world["programme"]
    registry().set_enabled(prog.id, decl.plugin, False)
    page = login_as(world["manager"]).get(f"/p/{prog.id}/settings").get_data(as_text=True)
    assert f'name="{decl.plugin}.{decl.name}"' not in page


def test_deleting_groups_and_activities_emits_events(app, world, login_as, make):
    prog = world["programme"]
    act = make.activity(prog, "forum.forum", plugin="forum", title="Talk")
    c = login_as(world["manager"])
    c.post(f"/p/{prog.id}/activities/{act.id}/delete")
    c.post(f"/groups/{world['group_b'].id}/delete")
    names = {(e.name, e.object_id) for e in db.session.scalars(db.select(Event))}
    assert ("activity_deleted", act.id) in names
    assert ("group_deleted", world["group_b"].id) in names


def test_private_events_stay_out_of_what_is_new(app, world, login_as):
    prog = world["programme"]
    emit("group_created", actor=world["manager"], programme=prog, group=world["group_a"])
    emit("message_sent", actor=world["manager"], programme=prog)
    emit("group_status_changed", actor=world["manager"], programme=prog)
    db.session.commit()
    page = login_as(world["mentee_a"]).get("/dashboard").get_data(as_text=True)
    assert "created a group" in page
    assert "private message" not in page and "group status changed" not in page


def test_last_seen_is_refreshed_at_most_hourly(app, world, login_as):
    user = world["mentee_a"]
    c = login_as(user)
    old = utcnow() - timedelta(hours=3)
    db.session.get(User, user.id).last_seen_at = old
    db.session.commit()
    c.get("/dashboard")
    db.session.expire_all()
    seen = db.session.get(User, user.id).last_seen_at
    assert seen > old + timedelta(hours=2)
    c.get("/dashboard")
    db.session.expire_all()
    assert db.session.get(User, user.id).last_seen_at == seen
    assert db.session.get(Programme, world["programme"].id)
