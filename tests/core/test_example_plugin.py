"""The tutorial's plugin (examples/ementoring-quotes), installed with pip, is found
through its entry point, shows its page and can be disabled per programme."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ementoring-quotes"
PASSWORD = "example plugin passphrase 1"
CHECK = f"""
import sys
from core import create_app
from core.cli import main
from core.extensions import db
from core.models import Programme
from core.plugins import registry

for args in (["init", "--no-admin"], ["demo", "--password", {PASSWORD!r}]):
    try:
        main(args, standalone_mode=False)
    except SystemExit as err:
        assert not err.code, err
app = create_app({{"TESTING": True, "WTF_CSRF_ENABLED": False}})
with app.app_context():
    assert "quotes" in registry().names, registry().names
    assert registry().plugin_object("quotes").__file__.startswith(sys.argv[1])
    pid = db.session.scalar(db.select(Programme.id))
    client = app.test_client()
    resp = client.post("/login", data={{"email": "mentee1@demo.ementoring.test",
                                       "password": {PASSWORD!r}}})
    assert resp.status_code == 302
    page = client.get(f"/p/{{pid}}/quote")
    assert page.status_code == 200 and "Every expert was once a beginner." in page.text
    course = client.get(f"/p/{{pid}}").text
    assert 'class="quote"' in course and f'href="/p/{{pid}}/quote"' in course
    out = app.test_cli_runner().invoke(args=["plugins", "disable", "quotes",
                                             "--programme", str(pid)])
    assert out.exit_code == 0, out.output
    assert client.get(f"/p/{{pid}}/quote").status_code == 404
    assert 'class="quote"' not in client.get(f"/p/{{pid}}").text
print("example plugin ok")
"""


def test_example_plugin_installs_loads_and_can_be_disabled(tmp_path):
    site, source = tmp_path / "site", tmp_path / "source"
    shutil.copytree(EXAMPLE, source)  # the build leaves its files next to the source
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--disable-pip-version-check",
                    "--target", str(site), str(source)], check=True, timeout=300,
                   capture_output=True)
    assert (site / "ementoring_quotes" / "__init__.py").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT), str(site)]),
               EMENTORING_INSTANCE=str(tmp_path / "instance"), SECRET_KEY="example-plugin")
    run = subprocess.run([sys.executable, "-c", CHECK, str(site)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "example plugin ok" in run.stdout
