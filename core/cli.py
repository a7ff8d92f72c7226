"""The ``ementoring`` command: init, demo, run, plugins, storage, translations."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import inspect
from werkzeug.serving import make_server

from core.extensions import db


def _create_app():  # noqa: ANN202
    from core import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True,
             add_version_option=False)
def main() -> None:
    """ementoring: blended mentoring on employment-related issues."""


def upgrade_database() -> None:
    """Create or upgrade the database to the newest revision of every branch."""
    from flask_migrate import stamp, upgrade

    existing = set(inspect(db.engine).get_table_names())
    wanted = {t.name for t in db.metadata.sorted_tables}
    if "alembic_version" not in existing and existing and wanted <= existing:
        stamp(revision="heads")  # made by create_all: record it as current
        return
    upgrade(revision="heads")


def create_user(email: str, name: str, password: str, *, admin: bool = False):  # noqa: ANN201
    """Create an account (used by init and demo); the password must pass the policy."""
    from core.auth.passwords import hash_password, policy_errors
    from core.models import User

    errors = policy_errors(password, email=email)
    if errors:
        raise click.ClickException(" ".join(errors))
    user = User(email=email.lower(), display_name=name, password_hash=hash_password(password),
                is_site_admin=admin)
    db.session.add(user)
    return user


@click.command("init")
@click.option("--admin-email", help="E-mail of the first site administrator.")
@click.option("--admin-name", default="Administrator", show_default=True)
@click.option("--admin-password", help="Password of the first administrator (prompted if absent).")
@click.option("--no-admin", is_flag=True, help="Do not create an administrator.")
@with_appcontext
def init_command(admin_email: str | None, admin_name: str, admin_password: str | None,
                 no_admin: bool) -> None:
    """Create or upgrade the database, compile translations, create the first admin."""
    from core.i18n import compile_catalogs
    from core.models import User

    compiled = compile_catalogs(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"))
    click.echo(f"Translations compiled: {compiled} catalog(s) updated.")
    upgrade_database()
    click.echo("Database is up to date.")
    from core.storage_sweep import sweep

    swept = sweep()  # what a process killed while storing left behind (old enough only)
    if swept:
        click.echo(f"Storage sweep: removed {len(swept)} unfinished or orphaned file(s).")
    if no_admin or db.session.scalar(db.select(User).where(User.is_site_admin.is_(True))):
        return
    if not admin_email:
        if not sys.stdin.isatty():
            click.echo("No administrator yet: run again with --admin-email and --admin-password.")
            return
        admin_email = click.prompt("Administrator e-mail")
    if not admin_password:
        admin_password = click.prompt("Administrator password", hide_input=True,
                                      confirmation_prompt=True)
    create_user(admin_email, admin_name, admin_password, admin=True)
    db.session.commit()
    click.echo(f"Administrator {admin_email} created.")


@click.command("demo")
@click.option("--password", default=None, help="Password for every demo account.")
@click.option("--language", default="en", show_default=True,
              help="Language of the demo programme. For now only the shipped self-study "
                   "course follows it (where it is translated); the other demo content "
                   "stays in English.")
@with_appcontext
def demo_command(password: str | None, language: str) -> None:
    """Add the demo organisation, programme, people and content (once)."""
    from core.demo import build_demo, demo_accounts

    available = current_app.config["LANGUAGES"]
    if language not in available:
        raise click.BadParameter(
            f"{language!r} is not a language of this site; available: {', '.join(available)}.",
            param_hint="--language")
    if not inspect(db.engine).has_table("user"):
        raise click.ClickException("The database is not set up yet: run `ementoring init` first.")
    accounts = build_demo(password, language)
    if accounts is None:
        click.echo("The demo programme exists already.")
        accounts = demo_accounts()
    if not accounts:
        return
    click.echo("Demo accounts (e-mail / password):")
    for role, email, pw in accounts:
        click.echo(f"  {role:<10} {email:<32} {pw}")


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True,
              help="First create or upgrade the database and add the demo (as `make run`).")
@click.pass_context
@with_appcontext
def serve_command(ctx: click.Context, host: str, port: int, with_demo: bool) -> None:
    """Run the development server with live chat support (one process)."""
    from core.extensions import socketio

    if with_demo:
        ctx.invoke(init_command, no_admin=True)
        ctx.invoke(demo_command)
    app = current_app._get_current_object()
    debug = os.environ.get("FLASK_DEBUG") == "1"
    click.echo(f" * ementoring on http://{host}:{port} (one process, for a pilot or a try; "
               "production: see the README)")
    if socketio.server.eio.async_mode == "threading" and not debug:
        # Werkzeug's threaded server, without run_simple's start-up banner and
        # Flask-SocketIO's second warning: the line above says what this server is for.
        server = make_server(host, port, app, threaded=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return
    os.environ.pop("FLASK_RUN_FROM_CLI", None)  # let socketio.run start the server
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, debug=debug,
                 use_reloader=False)


@click.group("plugins")
def plugins_group() -> None:
    """List installed plugins, enable or disable them per programme, uninstall them."""


@plugins_group.command("list")
@click.option("--programme", "programme_id", type=int, help="Show the state in a programme.")
@with_appcontext
def plugins_list(programme_id: int | None) -> None:
    """List installed plugins (and their state in a programme)."""
    from core.plugins import registry

    reg = registry()
    disabled = reg.disabled_in(programme_id) if programme_id else frozenset()
    for name in reg.names:
        doc = (reg.plugin_object(name).__doc__ or "").strip().splitlines()
        state = ""
        if programme_id:
            state = "disabled" if name in disabled else "enabled"
        click.echo(f"{name:<20} {state:<9} {doc[0] if doc else ''}".rstrip())


def _set(programme_id: int, name: str, enabled: bool) -> None:
    from core.models import Programme
    from core.plugins import registry

    if db.session.get(Programme, programme_id) is None:
        raise click.ClickException(f"No programme with id {programme_id}.")
    try:
        registry().set_enabled(programme_id, name, enabled)
    except KeyError:
        raise click.ClickException(f"No installed plugin named {name!r}.") from None
    click.echo(f"{name} {'enabled' if enabled else 'disabled'} in programme {programme_id}.")


@plugins_group.command("enable")
@click.argument("name")
@click.option("--programme", "programme_id", type=int, required=True)
@with_appcontext
def plugins_enable(name: str, programme_id: int) -> None:
    """Enable a plugin in a programme."""
    _set(programme_id, name, True)


@plugins_group.command("disable")
@click.argument("name")
@click.option("--programme", "programme_id", type=int, required=True)
@with_appcontext
def plugins_disable(name: str, programme_id: int) -> None:
    """Disable a plugin in a programme."""
    _set(programme_id, name, False)


@click.group("storage")
def storage_group() -> None:
    """Look after the file store."""


@storage_group.command("sweep")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@click.option("--older-than", "minutes", type=click.IntRange(min=0), default=None,
              help="Minimum age in minutes (default: the STORAGE_SWEEP_AGE_MINUTES setting).")
@with_appcontext
def storage_sweep(dry_run: bool, minutes: int | None) -> None:
    """Remove unfinished uploads and stored files no database row refers to."""
    from core.storage_sweep import sweep

    found = sweep(minutes, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    for orphan in found:
        click.echo(f"{verb} {orphan.path} ({orphan.reason}, {orphan.size} bytes)")
    total = sum(o.size for o in found)
    click.echo(f"{verb} {len(found)} file(s), {total} bytes.")


@plugins_group.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@with_appcontext
def plugins_uninstall(name: str, yes: bool) -> None:
    """Drop a plugin's tables and data (its migrations down to base), for good."""
    from alembic import command
    from alembic.util import CommandError

    from core.models import ProgrammePlugin

    if name == "core":
        raise click.ClickException("The core cannot be uninstalled.")
    if not yes:
        click.confirm(f"Delete every table and all data of the plugin {name!r}?", abort=True)
    try:
        config = current_app.extensions["migrate"].migrate.get_config()
        command.downgrade(config, f"{name}@base")
    except CommandError as err:
        raise click.ClickException(f"No migrations of a plugin named {name!r}: {err}") from None
    db.session.execute(db.delete(ProgrammePlugin).where(ProgrammePlugin.plugin == name))
    db.session.commit()
    click.echo(f"{name}: tables dropped. Delete its folder (or pip uninstall its package) "
               f"or list it in DISABLED_PLUGINS, or the next `ementoring init` recreates them.")


@click.command("translations")
@with_appcontext
def translations_command() -> None:
    """Compile the gettext catalogs of the core and every plugin."""
    from core.i18n import compile_catalogs

    n = compile_catalogs(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"))
    click.echo(f"{n} catalog(s) compiled.")


def register_commands(app) -> None:  # noqa: ANN001
    """Add the core's commands to ``app.cli`` (so ``flask --app core`` has them too)."""
    for command in (init_command, demo_command, plugins_group, storage_group,
                    translations_command):
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
