"""The plugin contract kept honest: hooks with tests, table prefixes, privacy hooks,
capability checks on every view and import boundaries (hook documentation and
docstrings: test_docs.py)."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs
from core.extensions import db
from core.plugins import registry

ROOT = Path(__file__).resolve().parents[2]


def _hook_names() -> list[str]:
    return sorted(
        name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, "ementoring_spec")
    )


def test_every_hook_has_a_test_of_its_own():
    source = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    missing = [n for n in _hook_names() if not re.search(rf"def test_hook_{n}\b", source)]
    assert missing == [], f"hooks without a test_hook_<name> test: {missing}"


def test_plugin_tables_carry_the_plugin_prefix(app):
    reg = registry()
    for plugin, models in reg.models.items():
        if plugin == "core":
            continue
        for model in models:
            assert model.__tablename__.startswith(f"{plugin}_"), (plugin, model.__tablename__)
    # and no table outside the core's own list lacks an owner
    declared = {m.__tablename__ for ms in reg.models.values() for m in ms}
    core_tables = {"user", "login_throttle", "invitation", "organisation", "programme",
                   "membership", "mentoring_group", "group_member", "programme_plugin",
                   "section", "activity", "stored_file", "event"}
    extra_core = {t.name for t in db.metadata.sorted_tables if t.name not in declared}
    stray = {t for t in extra_core - core_tables if "_" in t and t.split("_")[0] in reg.names}
    assert stray == set(), f"plugin tables not listed by register_models: {stray}"


def test_plugins_with_models_implement_privacy_hooks(app):
    reg = registry()
    for plugin, models in reg.models.items():
        if not models:
            continue
        obj = reg.plugin_object(plugin)
        assert hasattr(obj, "export_user_data"), f"{plugin} stores data but cannot export it"
        assert hasattr(obj, "erase_user_data"), f"{plugin} stores data but cannot erase it"


def test_every_view_checks_a_capability_or_is_public(app):
    unchecked = []
    for endpoint, view in app.view_functions.items():
        if getattr(view, "capability", None) or getattr(view, "public", False):
            continue
        unchecked.append(endpoint)
    assert unchecked == [], f"views without capability_required/public: {unchecked}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_no_plugin():
    offenders = [
        (str(p.relative_to(ROOT)), mod) for p in (ROOT / "core").rglob("*.py")
        for mod in _imports(p) if mod == "plugins" or mod.startswith("plugins.")
    ]
    assert offenders == []


def test_plugins_do_not_import_each_other():
    offenders = []
    for plugin_dir in (ROOT / "plugins").iterdir():
        if not (plugin_dir / "__init__.py").exists():
            continue
        for p in plugin_dir.rglob("*.py"):
            for mod in _imports(p):
                if mod.startswith("plugins.") and mod.split(".")[1] != plugin_dir.name:
                    offenders.append((str(p.relative_to(ROOT)), mod))
    assert offenders == []


@pytest.mark.parametrize("path", ["core/hookspecs.py"])
def test_hookspec_module_groups_hooks_under_banners(path):
    text = (ROOT / path).read_text()
    for banner in ("setup", "page slots", "events", "privacy"):
        assert f"# --- {banner}" in text
