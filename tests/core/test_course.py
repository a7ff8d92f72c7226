"""Course shell pages: sections and activities, groups, members, dashboard, admin."""

from __future__ import annotations

from core.extensions import db
from core.models import (
    Activity,
    Event,
    GroupMember,
    MentoringGroup,
    Organisation,
    Programme,
    Section,
)
from core.plugins import registry


def _types():
    return sorted(registry().activity_types)


def test_manager_builds_the_course(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["manager"])
    resp = c.post(f"/p/{prog.id}/sections/new", data={"title": "Tools", "summary": "**Use**",
                                                     "visible": "y"})
    assert resp.status_code == 302
    c.post(f"/p/{prog.id}/sections/new", data={"title": "Second", "visible": "y"})
    sections = db.session.scalars(db.select(Section).order_by(Section.position)).all()
    assert [s.title for s in sections] == ["Tools", "Second"]
    assert "<strong>Use</strong>" in sections[0].summary_html
    c.post(f"/p/{prog.id}/sections/{sections[1].id}/move/up")
    db.session.expire_all()
    assert [s.title for s in db.session.scalars(
        db.select(Section).order_by(Section.position))] == ["Second", "Tools"]


def test_activity_types_offered_come_from_enabled_plugins(app, world, login_as, make):
    prog = world["programme"]
    make.section(prog)
    types = _types()
    if not types:
        return
    c = login_as(world["manager"])
    page = c.get(f"/p/{prog.id}/activities/new").get_data(as_text=True)
    first = registry().activity_types[types[0]]
    assert f'value="{first.name}"' in page
    registry().set_enabled(prog.id, first.plugin, False)
    page = c.get(f"/p/{prog.id}/activities/new").get_data(as_text=True)
    assert f'value="{first.name}"' not in page


def test_add_edit_hide_and_delete_activity(app, world, login_as, make):
    prog = world["programme"]
    section = make.section(prog, "S")
    types = _types()
    if not types:
        return
    atype = registry().activity_types[types[0]]
    c = login_as(world["manager"])
    resp = c.post(f"/p/{prog.id}/activities/new",
                  data={"type": atype.name, "section_id": section.id, "title": "My activity",
                        "description": "desc", "group_mode": atype.group_modes[0],
                        "visible": "y"})
    assert resp.status_code == 302
    act = db.session.scalar(db.select(Activity))
    assert act.title == "My activity" and act.plugin == atype.plugin
    assert db.session.scalar(db.select(Event).where(Event.name == "activity_created"))
    c.post(f"/p/{prog.id}/activities/{act.id}/edit",
           data={"section_id": section.id, "title": "Renamed", "description": "",
                 "group_mode": atype.group_modes[0]})  # visible unchecked -> hidden
    db.session.expire_all()
    act = db.session.get(Activity, act.id)
    assert act.title == "Renamed" and act.visible is False
    mentee_page = login_as(world["mentee_a"]).get(f"/p/{prog.id}").get_data(as_text=True)
    assert "Renamed" not in mentee_page
    assert login_as(world["mentee_a"]).get(f"/activity/{act.id}").status_code == 404
    assert "Renamed" in c.get(f"/p/{prog.id}").get_data(as_text=True)
    confirm = c.get(f"/p/{prog.id}/activities/{act.id}/delete")
    assert confirm.status_code == 200 and "Please confirm" in confirm.get_data(as_text=True)
    assert db.session.get(Activity, act.id) is not None  # GET changed nothing
    c.post(f"/p/{prog.id}/activities/{act.id}/delete")
    assert db.session.get(Activity, act.id) is None


def test_hidden_section_is_invisible_to_mentees(app, world, login_as, make):
    prog = world["programme"]
    make.section(prog, "Secret plans", visible=False)
    assert "Secret plans" not in login_as(world["mentee_a"]).get(f"/p/{prog.id}").get_data(
        as_text=True)
    assert "Secret plans" in login_as(world["manager"]).get(f"/p/{prog.id}").get_data(
        as_text=True)


def test_section_of_another_programme_is_404(app, world, login_as, make):
    other = make.programme()
    foreign = make.section(other, "Foreign")
    c = login_as(world["manager"])
    resp = c.post(f"/p/{world['programme'].id}/sections/{foreign.id}/edit", data={"title": "x"})
    assert resp.status_code == 404
    assert db.session.get(Section, foreign.id).title == "Foreign"


def test_bad_input_keeps_what_was_typed(app, world, login_as):
    c = login_as(world["manager"])
    resp = c.post(f"/p/{world['programme'].id}/sections/new",
                  data={"title": "", "summary": "my long summary"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "my long summary" in body and 'aria-invalid="true"' in body


def test_manager_creates_group_and_adds_members(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["manager"])
    resp = c.post(f"/p/{prog.id}/groups/new", data={"name": "Group C"})
    group = db.session.scalar(db.select(MentoringGroup).where(MentoringGroup.name == "Group C"))
    assert resp.status_code == 302 and group is not None
    c.post(f"/groups/{group.id}", data={"user_id": world["mentor_b"].id})
    member = db.session.get(GroupMember, (group.id, world["mentor_b"].id))
    assert member is not None and member.role == "mentor"
    c.post(f"/groups/{group.id}/members/{world['mentor_b'].id}/remove")
    assert db.session.get(GroupMember, (group.id, world["mentor_b"].id)) is None


def test_mentor_cannot_manage_groups(app, world, login_as):
    c = login_as(world["mentor_a"])
    resp = c.post(f"/p/{world['programme'].id}/groups/new", data={"name": "Sneaky"})
    assert resp.status_code == 404
    resp = c.post(f"/groups/{world['group_a'].id}", data={"user_id": world["mentee_b"].id})
    assert db.session.get(GroupMember, (world["group_a"].id, world["mentee_b"].id)) is None


def test_member_list_paginates(app, world, login_as, make):
    prog = world["programme"]
    for _ in range(30):
        make.member(prog, "mentee")
    c = login_as(world["manager"])
    page1 = c.get(f"/p/{prog.id}/members").get_data(as_text=True)
    assert 'rel="next"' in page1
    page2 = c.get(f"/p/{prog.id}/members?page=2").get_data(as_text=True)
    assert 'rel="prev"' in page2


def test_dashboard_lists_programmes_groups_and_news(app, world, login_as):
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    body = c.get("/dashboard").get_data(as_text=True)
    assert prog.title in body and "Group A" in body and "Group B" not in body


def test_dashboard_empty_states(app, make, login_as):
    body = login_as(make.user()).get("/dashboard").get_data(as_text=True)
    assert "You do not take part in any programme yet" in body


def test_dashboard_and_course_query_counts_do_not_grow(app, world, login_as, make, queries):
    from core.events import emit

    prog = world["programme"]
    for i in range(3):
        make.section(prog, f"S{i}")
    c = login_as(world["manager"])
    c.get(f"/p/{prog.id}")
    with queries() as q1:
        c.get(f"/p/{prog.id}")
    c.get("/dashboard")
    with queries() as d1:
        c.get("/dashboard")
    for i in range(20):
        make.section(prog, f"More {i}")
        group = make.group(prog, f"Extra {i}", [(world["manager"], "manager")])
        emit("group_created", actor=world["manager"], programme=prog, group=group)
    db.session.commit()
    c.get(f"/p/{prog.id}")  # let the test's own objects refresh first
    with queries() as q2:
        c.get(f"/p/{prog.id}")
    assert q1.count == q2.count, "\n".join(s[:90] for s in q1.statements + ["----"] + q2.statements)
    assert q2.count <= 12
    c.get("/dashboard")
    with queries() as d2:
        c.get("/dashboard")
    assert d1.count == d2.count, "\n".join(s[:90] for s in d1.statements + ["----"] + d2.statements)


def test_each_programme_costs_the_dashboard_a_bounded_number_of_queries(app, world, login_as,
                                                                        make, queries):
    c = login_as(world["manager"])
    c.get("/dashboard")
    with queries() as one:
        c.get("/dashboard")
    for _ in range(3):
        make.member(make.programme(), "mentee", user=world["manager"])
    c.get("/dashboard")
    with queries() as four:
        c.get("/dashboard")
    # widgets are asked per programme, never per row inside it
    assert (four.count - one.count) / 3 <= 15


def test_admin_creates_organisation_programme_and_user(app, world, login_as):
    c = login_as(world["admin"])
    c.post("/admin/organisations", data={"name": "Youth Works"})
    org = db.session.scalar(db.select(Organisation).where(Organisation.name == "Youth Works"))
    assert org
    resp = c.post("/admin/programmes/new", data={
        "organisation_id": org.id, "title": "Pilot 2027", "language": "fi", "status": "draft",
        "starts_on": "2027-01-01", "ends_on": "2026-01-01"})
    assert "The end date is before the start date." in resp.get_data(as_text=True)
    c.post("/admin/programmes/new", data={
        "organisation_id": org.id, "title": "Pilot 2027", "language": "fi", "status": "draft"})
    assert db.session.scalar(db.select(Programme).where(Programme.title == "Pilot 2027"))
    resp = c.post("/admin/users/new", data={"email": "n@example.org", "display_name": "N",
                                            "password": "12345678"})
    assert "too common" in resp.get_data(as_text=True)
    c.post("/admin/users/new", data={"email": "n@example.org", "display_name": "N",
                                     "password": "a decent passphrase"})
    assert "n@example.org" in c.get("/admin/users?q=n%40").get_data(as_text=True)


def test_profile_changes_language_and_theme(app, world, login_as):
    c = login_as(world["mentee_a"])
    c.post("/profile", data={"display_name": "Ana", "language": "cs", "theme": "contrast"})
    body = c.get("/dashboard").get_data(as_text=True)
    assert 'lang="cs"' in body
    assert "/theme/contrast/style.css" in body


def test_theme_templates_override_core_templates(app, world, login_as):
    c = login_as(world["mentee_a"])
    note = "High-contrast theme is on."
    assert note not in c.get("/dashboard").get_data(as_text=True)
    c.post("/profile", data={"display_name": "Ana", "language": "", "theme": "contrast"})
    assert note in c.get("/dashboard").get_data(as_text=True)
    other = login_as(world["mentee_b"])  # another user's pages keep the default theme
    assert note not in other.get("/dashboard").get_data(as_text=True)


def test_a_theme_overrides_a_plugin_template(app, tmp_path, monkeypatch):
    from pathlib import Path

    from core import themes

    root = Path(themes.__file__).resolve().parent.parent
    plugin_template = next((root / "plugins").glob("*/templates/*/*.html"))
    name = plugin_template.relative_to(plugin_template.parents[1]).as_posix()
    override = tmp_path / "contrast" / "templates" / name
    override.parent.mkdir(parents=True)
    override.write_text("overridden by the theme")
    (tmp_path / "default" / "templates").mkdir(parents=True)
    monkeypatch.setattr(themes, "THEMES_DIR", tmp_path)
    app.__dict__.pop("_theme_envs", None)
    try:
        assert app._theme_env("contrast").get_template(name).render() == \
            "overridden by the theme"
        assert app._theme_env("default").get_template(name).filename == str(plugin_template)
    finally:
        app.__dict__.pop("_theme_envs", None)


def test_course_page_and_dashboard_statements(app, world, login_as, queries):
    """The user (with roles, groups and the disabled plugins) comes in one statement,
    so a member's course page and dashboard stay within a handful of statements."""
    prog = world["programme"]
    c = login_as(world["mentee_a"])
    for url, most in ((f"/p/{prog.id}", 7), ("/dashboard", 13)):
        c.get(url)
        with app.app_context(), queries() as q:
            assert c.get(url).status_code == 200
        assert q.count <= most, (url, [" ".join(s.split())[:70] for s in q.statements])
        # roles and groups came with the user: no statement of their own
        assert not any(" ".join(s.split()).startswith((
            "SELECT membership.programme_id, membership.role FROM",
            "SELECT group_member.group_id FROM")) for s in q.statements), url
