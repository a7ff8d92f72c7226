"""Deleting a built-in plugin's folder breaks nothing else: in a copy of the tree
without it, ``ementoring init`` upgrades a database made with every plugin, the
demo's pages answer, and a focused part of ``tests/core`` passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.plugins import DEFAULT_PLUGINS

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "removable plugins passphrase 1"
COPIED = ("core", "plugins", "themes", "tests", "pyproject.toml", "setup.cfg", "babel.cfg")
# starts the app, migrates, builds a demo, crawls its pages as a manager and a mentee,
# calls every hook: a focused part of tests/core, to keep nine runs short
CRAWL = "tests/core/test_demo_crawl.py::test_each_demo_role_clicks_through_without_a_server_error"
CORE_SUBSET = ("tests/core/test_smoke.py", "tests/core/test_cli.py",
               "tests/core/test_plugin_system.py", "tests/core/test_privacy.py",
               f"{CRAWL}[manager@demo.ementoring.test]", f"{CRAWL}[mentee1@demo.ementoring.test]")
# the venv's editable install would find a deleted plugin in the main checkout:
# drop its finder so only the copied tree is importable, as in a plain install
BOOT = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
        "if '__editable__' not in getattr(f, '__module__', '')]; ")
PAGES = BOOT + f"""
from core import create_app
from core.cli import main
from core.extensions import db
from core.models import Programme
from core.plugins import registry

try:
    main(["init", "--no-admin"], standalone_mode=False)
except SystemExit as err:
    assert not err.code, err
app = create_app({{"TESTING": True, "WTF_CSRF_ENABLED": False}})
with app.app_context():
    assert sys.argv[1] not in registry().names, registry().names
    prog = db.session.scalar(db.select(Programme))
    assert not registry().is_enabled(prog.id, sys.argv[1])
    for email in ("manager", "mentor1", "mentee1"):
        client = app.test_client()
        resp = client.post("/login", data={{"email": f"{{email}}@demo.ementoring.test",
                                             "password": {PASSWORD!r}}})
        assert resp.status_code == 302, resp.status_code
        for url in ("/dashboard", f"/p/{{prog.id}}", f"/p/{{prog.id}}/groups"):
            resp = client.get(url)
            assert resp.status_code == 200, (email, url, resp.status_code)
print("pages ok")
"""
OPTIONAL = [m.rpartition(".")[2] for m in DEFAULT_PLUGINS]


def _env(instance: Path, copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PYTHONPATH=str(copy), EMENTORING_INSTANCE=str(instance),
               SECRET_KEY="removable-plugins-test")
    return env


@pytest.fixture(scope="module")
def full_database(tmp_path_factory) -> Path:
    """An instance folder whose SQLite database was made with every plugin, with the demo."""
    instance = tmp_path_factory.mktemp("full") / "instance"
    env = _env(instance, ROOT)
    for args in (["init", "--no-admin"], ["demo", "--password", PASSWORD]):
        subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)
    return instance


@pytest.mark.parametrize("plugin", OPTIONAL)
def test_tree_without_a_plugin_folder(plugin, full_database, tmp_path):
    copy = tmp_path / "tree"
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, copy / name)
    shutil.rmtree(copy / "plugins" / plugin)
    instance = tmp_path / "instance"
    shutil.copytree(full_database, instance)
    env = _env(instance, copy)

    pages = subprocess.run([sys.executable, "-c", PAGES, plugin], cwd=copy, env=env,
                           capture_output=True, text=True, timeout=600)
    assert pages.returncode == 0, pages.stdout[-3000:] + pages.stderr[-3000:]
    assert "pages ok" in pages.stdout

    tests = subprocess.run(
        [sys.executable, "-c", BOOT + "import pytest; sys.exit(pytest.main(sys.argv[1:]))",
         "-q", "-x", "-p", "no:cacheprovider", *CORE_SUBSET],
        cwd=copy, env={**env, "EMENTORING_FAULTS": "0"}, capture_output=True, text=True,
        timeout=1200)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
