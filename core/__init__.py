"""ementoring: the course shell. ``create_app`` builds the Flask application."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import current_app, g, redirect, render_template, request
from sqlalchemy import event as sa_event
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core import plugin_migrations, routing
from core.config import load_config
from core.errorpage import forget_failed_transaction, static_error_page
from core.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from core.plugins import PluginRegistry
from core.plugins import registry as plugin_registry
from core.storage_space import UploadRequest
from core.themes import ThemedFlask

log = logging.getLogger("ementoring")
PACKAGE_ROOT = Path(__file__).resolve().parent


@migrate.configure
def _migration_locations(config):  # noqa: ANN001, ANN202
    """Point Alembic at the core's and every present plugin's revision folder."""
    return plugin_migrations.configure(config, plugin_registry(), db.engine,
                                       current_app.instance_path)


def create_app(config: dict[str, Any] | None = None) -> ThemedFlask:
    """Build the application: configuration, extensions, plugins, views and headers."""
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("EMENTORING_INSTANCE")
    app = ThemedFlask(
        "core",
        instance_path=str(Path(instance).resolve()) if instance else None,
        static_url_path="/static/core",
    )
    app.config.update(load_config(app.instance_path, config))
    routing.install(app)
    _trust_proxies(app)
    app.request_class = UploadRequest  # a full temporary disk answers 507, not 500

    registry = PluginRegistry()
    app.extensions["ementoring.plugins"] = registry
    registry.load(app.config.get("EXTRA_PLUGINS") or (),
                  blocked=app.config.get("DISABLED_PLUGINS") or ())

    translation_dirs = [str(PACKAGE_ROOT / "translations")]
    translation_dirs += [str(path) for _plugin, path in registry.subfolders("translations")]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)

    db.init_app(app)
    _sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(PACKAGE_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    from core.i18n import install_template_gettext, select_locale

    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)
    socketio.init_app(
        app,
        message_queue=app.config.get("REDIS_URL"),
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        cors_allowed_origins=app.config.get("SOCKETIO_ORIGINS", []),
        manage_session=False,
    )

    from core import auth, views

    auth.init_app(app)
    views.init_app(app)
    for plugin, blueprints in registry.setup_results("register_blueprints"):
        for bp in blueprints:
            app.register_blueprint(bp)
            registry.blueprint_plugins[bp.name] = plugin
    from core.cli import register_commands

    register_commands(app)
    for _plugin, commands in registry.setup_results("register_cli"):
        for command in commands:
            app.cli.add_command(command)

    from core import security

    security.install(app)
    _install_guards(app, registry)
    _install_errors(app)
    app.themes_ready()
    return app


def _trust_proxies(app: ThemedFlask) -> None:
    """Believe the ``X-Forwarded-*`` headers of ``TRUSTED_PROXIES`` proxies (nginx in
    front: 1), so that limits and logs see the client's address; 0 believes none.
    Only ``For`` and ``Proto``, the two the shipped nginx sets itself: a client's own
    ``X-Forwarded-Host`` would otherwise pass through and forge reset links."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0,
                                x_port=0, x_prefix=0)


def _sqlite_pragmas(app: ThemedFlask) -> None:
    """WAL with synchronous=FULL so a saved post survives a crash; enforce foreign keys."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

        @sa_event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()


def _install_guards(app: ThemedFlask, registry: PluginRegistry) -> None:
    """404 for a plugin's pages inside a programme where it is disabled."""
    from flask import abort

    from core.models import Activity, MentoringGroup

    @app.before_request
    def _plugin_enabled_guard() -> None:
        plugin = registry.blueprint_plugins.get(request.blueprint or "")
        if not plugin or not request.view_args:
            return
        args = request.view_args
        programme_id = args.get("programme_id")
        if "activity_id" in args:
            activity = db.session.get(Activity, args["activity_id"])
            if activity is None:
                abort(404)
            if activity.plugin != plugin and plugin != "core":
                abort(404)
            g.guard_activity = activity  # a strong reference keeps it in the identity map
            programme_id = activity.programme_id
        elif "group_id" in args and programme_id is None:
            group = db.session.get(MentoringGroup, args["group_id"])
            programme_id = group.programme_id if group else None
        if programme_id is not None and not registry.is_enabled(programme_id, plugin):
            abort(404)


def _install_errors(app: ThemedFlask) -> None:
    """A generic error page without stack traces."""

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):  # noqa: ANN202
        if err.code and err.code < 400:
            return err
        if request.path.startswith("/socket.io"):
            return err
        if err.code == 500:  # e.g. an after-request hook met the database
            forget_failed_transaction()
            return static_error_page(getattr(err, "original_exception", None) or err)
        detail = err.description if err.description != type(err).description else None
        return render_template("errors/error.html", error=err, detail=detail), err.code

    @app.errorhandler(Exception)
    def _server_error(err: Exception):  # noqa: ANN202
        if (isinstance(err, DBAPIError) and err.connection_invalidated
                and request.method in ("GET", "HEAD")):
            # a pooled connection the database closed (no ping before each checkout):
            # the pool has dropped it, so the same request again gets a fresh one
            log.warning("database connection lost on %s; asking the browser to retry",
                        request.path)
            db.session.remove()
            return redirect(request.full_path, 307)
        if app.testing and not app.config.get("ERROR_PAGES_IN_TESTS"):
            raise err
        log.exception("unhandled error on %s", request.path)
        forget_failed_transaction()
        return static_error_page(err)
