"""Headers, error pages, instance defaults and SQLite durability."""

from __future__ import annotations

import os
import stat

from flask import Blueprint
from sqlalchemy import text

from core import create_app
from core.extensions import db
from tests.conftest import base_config


def test_security_headers_on_every_response(app, client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in resp.headers.get("Cache-Control", "")


def test_logged_in_pages_are_not_cached(app, world, login_as):
    resp = login_as(world["mentee_a"]).get("/dashboard")
    assert resp.headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_style():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in list(root.glob("core/templates/**/*.html")) + list(
            root.glob("plugins/*/templates/**/*.html")) + list(root.glob("themes/**/*.html")):
        body = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) or re.search(r"\sstyle=\"", body) \
                or re.search(r"\son[a-z]+=\"", body):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


boom = Blueprint("boom", __name__)


@boom.route("/boom")
def explode():
    raise RuntimeError("secret internals: /etc/shadow")


explode.public = True


def test_error_page_has_no_stack_trace(tmp_path, app):
    cfg = base_config(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      ERROR_PAGES_IN_TESTS=True)
    bapp = create_app(cfg)
    bapp.register_blueprint(boom)
    resp = bapp.test_client().get("/boom")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert resp.headers["Content-Security-Policy"]
    resp404 = bapp.test_client().get("/no/such/page")
    assert resp404.status_code == 404 and "Page not found" in resp404.get_data(as_text=True)


def test_secret_key_is_generated_once_with_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    cfg = {"INSTANCE_PATH": str(tmp_path / "inst"),
           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    first = create_app(dict(cfg))
    key_file = tmp_path / "inst" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = create_app(dict(cfg))
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()


def test_default_database_is_sqlite_in_instance_folder_with_wal_and_full_sync(tmp_path,
                                                                                monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    fresh = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "k"})
    uri = fresh.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{tmp_path / 'inst' / 'ementoring.sqlite'}"
    with fresh.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_configuration_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5432/x")
    monkeypatch.setenv("UPLOAD_MAX_MB", "7")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    from core.config import load_config

    cfg = load_config(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/x"
    assert cfg["UPLOAD_MAX_MB"] == 7 and cfg["MAX_CONTENT_LENGTH"] > 7 * 1024 * 1024
    assert cfg["MAIL_SERVER"] == "smtp.example.org" and cfg["SECRET_KEY"] == "from-env"
    assert cfg["REDIS_URL"] == "redis://127.0.0.1:1/0"


def test_pages_work_when_redis_is_unreachable(tmp_path, app, make):
    cfg = base_config(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      REDIS_URL="redis://127.0.0.1:1/0")
    rapp = create_app(cfg)
    assert rapp.test_client().get("/login").status_code == 200
