"""The command line: init creates the admin, demo builds the seed course."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

from core import create_app
from core.extensions import db
from core.models import GroupMember, Membership, MentoringGroup, Programme, Section, User
from tests.conftest import ROOT, base_config, free_port, server_env, wait_for_port


def test_init_creates_admin_from_flags(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init", "--admin-email", "root@example.org",
                                 "--admin-password", "a strong passphrase"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(db.select(User).where(User.email == "root@example.org"))
    assert admin and admin.is_site_admin


def test_init_refuses_a_weak_admin_password(app):
    result = app.test_cli_runner().invoke(args=["init", "--admin-email", "r@example.org",
                                                "--admin-password", "password"])
    assert result.exit_code != 0
    assert db.session.scalar(db.select(User).where(User.email == "r@example.org")) is None


def test_demo_builds_the_seed_programme(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--password", "demo passphrase 1"])
    assert result.exit_code == 0, result.output
    assert "mentor1@demo.ementoring.test" in result.output
    prog = db.session.scalar(db.select(Programme))
    assert prog.title == "Blended mentoring on employment"
    titles = [s.title for s in db.session.scalars(db.select(Section).order_by(Section.position))]
    assert titles[:5] == [
        "Managing and monitoring tools", "Initial mentoring and management session",
        "Sessions on employability", "Sessions on entrepreneurship",
        "Monitoring sessions of the mentoring process"]
    roles = sorted(db.session.scalars(db.select(Membership.role)))
    assert roles == ["manager", "mentee", "mentee", "mentee", "mentee", "mentor", "mentor"]
    groups = db.session.scalars(db.select(MentoringGroup).order_by(MentoringGroup.name)).all()
    assert [g.name for g in groups] == ["Group A", "Group B"]
    for g in groups:
        members = db.session.scalars(db.select(GroupMember.role).where(
            GroupMember.group_id == g.id)).all()
        assert sorted(members) == ["manager", "mentee", "mentee", "mentor"]
    again = runner.invoke(args=["demo"])
    assert "exists already" in again.output and "mentor1@demo.ementoring.test" in again.output


def test_demo_on_an_empty_database_says_to_run_init(tmp_path):
    fresh = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=(
        f"sqlite:///{tmp_path / 'empty.sqlite'}")))
    result = fresh.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "run `ementoring init` first" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_favicon_is_served(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"
    assert resp.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_with_demo_sets_up_an_empty_database_and_serves(app, tmp_path):
    """`make run`'s one process: database, demo and server from nothing."""
    port = free_port()
    env = server_env(app, DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}",
                     EMENTORING_INSTANCE=str(tmp_path / "instance"),
                     STORAGE_DIR=str(tmp_path / "files"))
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "run", "--demo", "--port",
                             str(port)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, timeout=60)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert "mentee1@demo.ementoring.test" in output
    assert "Werkzeug appears to be used in a production" not in output
    assert "This is a development server" not in output
