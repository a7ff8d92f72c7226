"""A plugin can be switched off for the site, fail to load, or be uninstalled, and
the rest still starts, migrates and serves pages."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, text

from core import create_app
from core.extensions import db
from core.hookspecs import hookimpl
from core.plugins import registry
from tests.conftest import base_config


def _app(tmp_path, name: str, **extra):
    """An app on its own SQLite file (``db.sqlite`` in ``tmp_path``)."""
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    return create_app(base_config(tmp_path / name, SQLALCHEMY_DATABASE_URI=uri, **extra))


def _run(app, *args: str, **kwargs):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), **kwargs)
        db.session.remove()
        db.engine.dispose()
    return result


def _tables_and_versions(app) -> tuple[set[str], set[str]]:
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            versions = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        db.engine.dispose()
    return tables, versions


def test_site_disabled_plugin_is_not_loaded_and_init_still_works(tmp_path):
    full = _app(tmp_path, "full")
    assert _run(full, "init", "--no-admin").exit_code == 0
    tables, versions = _tables_and_versions(full)
    assert "entrepreneurship_worksheet" in tables and "entrepreneurship0001" in versions

    less = _app(tmp_path, "less", DISABLED_PLUGINS=["entrepreneurship"])
    with less.app_context():
        assert "entrepreneurship" not in registry().names
        assert "forum" in registry().names
        assert not registry().is_enabled(1, "entrepreneurship")
        assert not registry().is_enabled(1, "no_such_plugin")
        assert "entrepreneurship.index" not in less.view_functions
    result = _run(less, "init", "--no-admin")  # the stamped revision of a plugin not loaded
    assert result.exit_code == 0, result.output
    assert "Database is up to date." in result.output
    assert _tables_and_versions(less) == (tables, versions)


def test_uninstall_asks_then_drops_the_plugin_tables(tmp_path):
    full = _app(tmp_path, "full")
    assert _run(full, "init", "--no-admin").exit_code == 0
    refused = _run(full, "plugins", "uninstall", "chat", input="n\n")
    assert refused.exit_code != 0
    assert "chat_message" in _tables_and_versions(full)[0]

    done = _run(full, "plugins", "uninstall", "chat", "--yes")
    assert done.exit_code == 0, done.output
    tables, versions = _tables_and_versions(full)
    assert not [t for t in tables if t.startswith("chat_")]
    assert "chat0001" not in versions and "forum0001" in versions
    assert "forum_post" in tables and "user" in tables

    assert _run(full, "init", "--no-admin").exit_code == 0  # present again: tables return
    assert "chat_message" in _tables_and_versions(full)[0]


def test_uninstall_a_plugin_whose_folder_is_gone(tmp_path):
    full = _app(tmp_path, "full")
    assert _run(full, "init", "--no-admin").exit_code == 0
    # DISABLED_PLUGINS hides the plugin and its migrations folder as a deleted folder would
    less = _app(tmp_path, "less", DISABLED_PLUGINS=["entrepreneurship"])
    done = _run(less, "plugins", "uninstall", "entrepreneurship", "--yes")
    assert done.exit_code == 0, done.output
    tables, versions = _tables_and_versions(less)
    assert not [t for t in tables if t.startswith("entrepreneurship_")]
    assert "entrepreneurship0001" not in versions
    assert "employability_worksheet" in tables
    assert _run(less, "plugins", "uninstall", "nothing", "--yes").exit_code != 0


class BadSignature:
    """Implements a hook with an argument the contract does not have."""

    name = "bad_signature"

    @hookimpl
    def on_event(self, event, surprise):
        raise AssertionError("never called")


class OldHooks:
    """Implements a hook that no longer exists."""

    name = "old_hooks"

    @hookimpl
    def register_translations(self):
        return "translations"


class Good:
    """A plugin that loads."""

    name = "good"

    @hookimpl
    def register_capabilities(self):
        return []


@pytest.mark.parametrize("broken", [BadSignature, OldHooks])
def test_a_plugin_that_fails_to_load_is_logged_and_skipped(tmp_path, broken, caplog):
    caplog.set_level(logging.ERROR, logger="core.plugins")
    app = _app(tmp_path, "app", EXTRA_PLUGINS=[broken(), Good()])
    with app.app_context():
        assert broken.name not in registry().names
        assert "good" in registry().names and "forum" in registry().names
        registry().pm.check_pending()
    assert any(broken.name in r.getMessage() for r in caplog.records)
