"""A throwaway plugin, defined only here, proves discovery, per-programme
activation, template slots, events, and a test of its own for every hook."""

from __future__ import annotations

import types
from pathlib import Path

import click
import pytest
from flask import Blueprint
from markupsafe import Markup

from core import create_app
from core.declarations import (
    ActivityType,
    Capability,
    EventType,
    FileAction,
    NavItem,
    SessionType,
    Setting,
    UserData,
    Widget,
)
from core.events import emit
from core.extensions import db
from core.hookspecs import hookimpl
from core.permissions import capability_required
from core.plugins import flatten, hooks, registry, setting
from tests.conftest import base_config, isolate_requests
from tests.factories import login

ROOT = Path(__file__).resolve().parents[2]
received: list = []
bp = Blueprint("probe", __name__)


@bp.route("/probe/<int:programme_id>")
@capability_required("probe.look")
def probe_page(programme_id: int):
    return "probe page"


@bp.route("/probe/activity/<int:activity_id>")
@capability_required("probe.look")
def probe_activity(activity_id: int):
    return "probe activity"


@click.command("probe-hello")
def probe_hello() -> None:
    """Say hello from the probe plugin."""
    click.echo("hello from probe")


class ProbePlugin:
    """Probe: a plugin that exists only in the tests."""

    name = "probe"

    @hookimpl
    def register_blueprints(self):
        return [bp]

    @hookimpl
    def register_models(self):
        return []

    @hookimpl
    def register_capabilities(self):
        return [Capability("probe.look", "Look at probes", frozenset({"manager", "mentee"}))]

    @hookimpl
    def register_activity_types(self):
        return [ActivityType(name="probe", plugin="probe", label="Probe",
                             endpoint="probe.probe_activity")]

    @hookimpl
    def register_session_types(self):
        return [SessionType(name="probe.talk", plugin="probe", label="Probe talk")]

    @hookimpl
    def register_settings(self):
        return [Setting(name="colour", plugin="probe", label="Colour", default="green")]

    @hookimpl
    def register_cli(self):
        return [probe_hello]

    @hookimpl
    def register_events(self):
        return [EventType("probe_poked", "poked a probe", ("colour",))]

    @hookimpl
    def nav_items(self, programme, user):
        return [NavItem("Probe nav", f"/probe/{programme.id}", 50)]

    @hookimpl
    def dashboard_widgets(self, programmes, user):
        return [Widget("Probe widget", Markup("<p>probe widget body</p>"), programme=p)
                for p in programmes]

    @hookimpl
    def file_actions(self, stored_file, user):
        return [FileAction("Probe action", f"/probe/file/{stored_file.id}")]

    @hookimpl
    def group_summary(self, groups):
        return {g.id: {"probe": len(g.name)} for g in groups}

    @hookimpl
    def slot_course_header(self, programme, user):
        return Markup('<p class="probe">probe course header</p>')

    @hookimpl
    def slot_activity_footer(self, activity, user):
        return Markup(f"<p>probe footer {activity.id}</p>")

    @hookimpl
    def slot_group_page(self, group, user):
        return Markup("<p>probe group slot</p>")

    @hookimpl
    def on_event(self, event):
        received.append(event)

    @hookimpl
    def export_user_data(self, user):
        return UserData(plugin="probe", records={"probe": user.id})

    @hookimpl
    def erase_user_data(self, user):
        received.append(("erased", user.id))

    @hookimpl
    def demo_data(self, programme, users):
        received.append(("demo", programme.title, sorted(users["sections"])))


@pytest.fixture
def papp(app, tmp_path):
    """An app with the probe plugin, sharing the test database."""
    received.clear()
    probe = ProbePlugin()
    probe.folder = tmp_path / "probe"  # the plugin's folder: translations/, no migrations/
    (probe.folder / "translations").mkdir(parents=True)
    cfg = base_config(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      EXTRA_PLUGINS=[probe])
    probe_app = create_app(cfg)
    isolate_requests(probe_app)
    with probe_app.app_context():
        yield probe_app
        db.session.remove()


def _client(papp, user):
    c = papp.test_client()
    login(c, user)
    return c


def test_discovery_lists_builtin_and_extra_plugins(papp):
    from core.plugins import DEFAULT_PLUGINS

    names = registry().names
    assert "probe" in names
    for builtin in DEFAULT_PLUGINS:
        name = builtin.rpartition(".")[2]
        # listed in code, not by entry points; present when its folder is
        assert (name in names) == (ROOT / "plugins" / name).is_dir()


def test_plugin_disabled_in_a_programme_answers_404(papp, world, make):
    prog = world["programme"]
    act = make.activity(prog, "probe", plugin="probe")
    c = _client(papp, world["mentee_a"])
    assert c.get(f"/probe/{prog.id}").status_code == 200
    assert c.get(f"/probe/activity/{act.id}").status_code == 200
    registry().set_enabled(prog.id, "probe", False)
    assert c.get(f"/probe/{prog.id}").status_code == 404
    assert c.get(f"/probe/activity/{act.id}").status_code == 404
    assert c.get(f"/activity/{act.id}").status_code == 404
    page = c.get(f"/p/{prog.id}").get_data(as_text=True)
    assert "probe course header" not in page and "Probe nav" not in page
    registry().set_enabled(prog.id, "probe", True)
    assert c.get(f"/probe/{prog.id}").status_code == 200


def test_disabling_in_one_programme_leaves_another(papp, world, make):
    other = make.programme()
    mentee = make.member(other, "mentee")
    registry().set_enabled(world["programme"].id, "probe", False)
    assert _client(papp, mentee).get(f"/probe/{other.id}").status_code == 200


def test_hook_register_blueprints(papp):
    assert "probe.probe_page" in papp.view_functions


def test_hook_register_models(papp):
    assert registry().models["probe"] == []


def test_hook_register_capabilities(papp, world):
    from core.permissions import can

    assert registry().capabilities["probe.look"].plugin == "probe"
    with papp.test_request_context():
        assert can(world["mentee_a"], "probe.look", world["programme"])
        assert not can(world["mentor_a"], "probe.look", world["programme"])


def test_hook_register_activity_types(papp, world, make):
    prog = world["programme"]
    make.section(prog)
    c = _client(papp, world["manager"])
    assert "Probe" in c.get(f"/p/{prog.id}/activities/new").get_data(as_text=True)
    registry().set_enabled(prog.id, "probe", False)
    assert [t.name for t in registry().activity_types_for(prog.id)].count("probe") == 0


def test_hook_register_session_types(papp, world):
    assert "probe.talk" in registry().session_types
    registry().set_enabled(world["programme"].id, "probe", False)
    assert "probe.talk" not in [t.name for t in registry().session_types_for(world["programme"].id)]


def test_hook_register_settings(papp, world):
    prog = world["programme"]
    assert setting(prog.id, "probe", "colour") == "green"
    prog.settings = {"probe": {"colour": "blue"}}
    db.session.commit()
    assert setting(prog.id, "probe", "colour") == "blue"


def test_hook_register_cli(papp):
    result = papp.test_cli_runner().invoke(args=["probe-hello"])
    assert "hello from probe" in result.output


def test_translations_folder_found_by_convention(papp):
    dirs = papp.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert str(registry().folder("probe") / "translations") in dirs
    present = [n for n in registry().names if (ROOT / "plugins" / n / "translations").is_dir()]
    assert present  # whichever built-ins this tree holds
    for name in present:
        assert str(ROOT / "plugins" / name / "translations") in dirs


def test_migrations_folders_found_by_convention(papp):
    from core.plugin_migrations import version_locations

    paths = version_locations(registry(), db.engine, papp.instance_path)
    assert paths[0].endswith("core/migrations/versions")
    present = [n for n in registry().names if (ROOT / "plugins" / n / "migrations").is_dir()]
    assert present
    for name in present:
        assert str(ROOT / "plugins" / name / "migrations") in paths
    assert not any("probe" in p for p in paths)  # the probe has no migrations/ folder
    assert all(Path(p).is_dir() for p in paths)


def test_hook_register_events(papp, world):
    from core.events import UnknownEvent
    from core.labels import event_label, news_event_names

    assert event_label("probe_poked") == "poked a probe"
    assert "probe_poked" in news_event_names() and "message_sent" not in news_event_names()
    emit("probe_poked", programme=world["programme"], data={"colour": "red"})
    with pytest.raises(UnknownEvent):
        emit("probe_prodded", programme=world["programme"])
    with pytest.raises(UnknownEvent):
        emit("probe_poked", programme=world["programme"], data={"size": 3})
    db.session.rollback()


def test_hook_nav_items(papp, world):
    c = _client(papp, world["mentee_a"])
    assert "Probe nav" in c.get(f"/p/{world['programme'].id}").get_data(as_text=True)


def test_hook_dashboard_widgets(papp, world):
    c = _client(papp, world["mentee_a"])
    body = c.get("/dashboard").get_data(as_text=True)
    assert "probe widget body" in body
    registry().set_enabled(world["programme"].id, "probe", False)
    assert "probe widget body" not in c.get("/dashboard").get_data(as_text=True)


def test_hook_file_actions(papp, world):
    from core.storage import save_bytes

    with papp.test_request_context():
        sf = save_bytes(b"hello", "a.txt", programme=world["programme"])
        db.session.commit()
        actions = flatten(hooks(world["programme"]).file_actions(stored_file=sf,
                                                                 user=world["mentor_a"]))
        assert [a.label for a in actions] == ["Probe action"]


def test_hook_group_summary(papp, world):
    results = hooks(world["programme"]).group_summary(groups=[world["group_a"]])
    assert {world["group_a"].id: {"probe": 7}} in results


def test_hook_slot_course_header(papp, world):
    c = _client(papp, world["mentee_a"])
    assert "probe course header" in c.get(f"/p/{world['programme'].id}").get_data(as_text=True)


def test_hook_slot_activity_footer(papp, world, make):
    act = make.activity(world["programme"], "probe", plugin="probe")
    c = _client(papp, world["mentee_a"])
    body = c.get(f"/p/{world['programme'].id}").get_data(as_text=True)
    assert f"probe footer {act.id}" in body


def test_hook_slot_group_page(papp, world):
    c = _client(papp, world["mentee_a"])
    assert "probe group slot" in c.get(f"/groups/{world['group_a'].id}").get_data(as_text=True)


def test_hook_on_event(papp, world):
    emit("probe_poked", actor=world["manager"], programme=world["programme"],
         object_type="probe", object_id=7)
    assert received == []  # not before the commit
    db.session.commit()
    assert [e.name for e in received] == ["probe_poked"]
    assert received[0].object_id == 7 and received[0].id is not None
    received.clear()
    emit("probe_poked", programme=world["programme"])
    db.session.rollback()
    db.session.commit()
    assert received == []  # rolled back: never dispatched
    registry().set_enabled(world["programme"].id, "probe", False)
    emit("probe_poked", programme=world["programme"])
    db.session.commit()
    assert received == []  # disabled in that programme


def test_hook_export_user_data(papp, world):
    import io
    import json
    import zipfile

    c = _client(papp, world["mentee_a"])
    resp = c.get("/profile/export")
    data = json.loads(zipfile.ZipFile(io.BytesIO(resp.data)).read("data.json"))
    assert data["probe"] == {"probe": world["mentee_a"].id}
    assert data["core"]["account"]["email"] == world["mentee_a"].email


def test_hook_erase_user_data(papp, world):
    c = _client(papp, world["admin"])
    resp = c.post(f"/admin/users/{world['mentee_a'].id}/erase")
    assert resp.status_code == 302
    assert ("erased", world["mentee_a"].id) in received


def test_hook_demo_data(papp):
    from core.demo import build_demo

    with papp.test_request_context():
        accounts = build_demo("demo-password-for-tests")
    assert accounts and ("demo", "Blended mentoring on employment",
                         ["employability", "entrepreneurship", "initial", "monitoring",
                          "tools"]) in received


def test_plugin_manager_uses_public_pluggy_api_only():
    import ast

    source = (Path(__file__).resolve().parents[2] / "core" / "plugins.py").read_text()
    tree = ast.parse(source)
    private = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
               and n.attr.startswith("_") and not n.attr.startswith("__")
               and isinstance(n.value, ast.Attribute) and n.value.attr == "pm"]
    assert private == []


def test_cli_plugins_list_enable_disable(papp, world):
    runner = papp.test_cli_runner()
    out = runner.invoke(args=["plugins", "list"]).output
    assert all(name in out for name in registry().names) and "probe" in out
    pid = str(world["programme"].id)
    assert "disabled" in runner.invoke(args=["plugins", "disable", "probe", "--programme",
                                             pid]).output
    out = runner.invoke(args=["plugins", "list", "--programme", pid]).output
    assert [line for line in out.splitlines() if line.startswith("probe")][0].split()[1] == \
        "disabled"
    runner.invoke(args=["plugins", "enable", "probe", "--programme", pid])
    out = runner.invoke(args=["plugins", "list", "--programme", pid]).output
    assert [line for line in out.splitlines() if line.startswith("probe")][0].split()[1] == \
        "enabled"
    bad = runner.invoke(args=["plugins", "enable", "nope", "--programme", pid])
    assert bad.exit_code != 0 and "No installed plugin" in bad.output


def test_admin_page_toggles_plugins(papp, world):
    c = _client(papp, world["manager"])
    prog = world["programme"]
    resp = c.post(f"/p/{prog.id}/plugins", data={"plugin": "probe", "enabled": "0"})
    assert resp.status_code == 302
    assert c.get(f"/probe/{prog.id}").status_code == 404
    c.post(f"/p/{prog.id}/plugins", data={"plugin": "probe", "enabled": "1"})
    assert c.get(f"/probe/{prog.id}").status_code == 200


_ = types  # keep the import for readers who extend this probe


class FailingPlugin:
    """A plugin whose event handler always raises."""

    name = "failing"

    @hookimpl(tryfirst=True)
    def on_event(self, event):
        raise RuntimeError("failing plugin")


@pytest.fixture
def failing_app(app, tmp_path):
    """An app with a plugin that raises on every event, called before all others."""
    cfg = base_config(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      EXTRA_PLUGINS=[FailingPlugin()])
    failing = create_app(cfg)
    isolate_requests(failing)
    with failing.app_context():
        yield failing
        db.session.remove()


def test_a_failing_event_handler_does_not_silence_the_others(failing_app, world, caplog):
    from core.models import MentoringGroup
    from core.sessions.models import INITIAL_TYPE, MentoringSession

    c = _client(failing_app, world["manager"])
    resp = c.post(f"/p/{world['programme'].id}/groups/new", data={"name": "Group F"})
    assert resp.status_code == 302
    group = db.session.scalar(db.select(MentoringGroup).where(MentoringGroup.name == "Group F"))
    initial = db.session.scalars(db.select(MentoringSession).where(
        MentoringSession.group_id == group.id, MentoringSession.type == INITIAL_TYPE)).all()
    assert len(initial) == 1  # the core's group_created handler ran after the failure
    assert any("'failing'" in r.getMessage() and "group_created" in r.getMessage()
               for r in caplog.records)
