"""The command line: init creates the admin, demo builds the seed course."""

from __future__ import annotations

from core.extensions import db
from core.models import GroupMember, Membership, MentoringGroup, Programme, Section, User


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
    from core import create_app
    from tests.conftest import base_config

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
