"""The ``ementoring forum`` commands."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("forum")
def forum_group() -> None:
    """Forum tasks to run from cron."""


@forum_group.command("digest")
@with_appcontext
def digest_command() -> None:
    """Send the daily digests of new forum posts (run once a day)."""
    from plugins.forum.services.digest import send_digests

    click.echo(f"{send_digests()} forum digest(s) sent.")
