"""``ementoring messages``: the daily digest and reminders for inactivity."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("messages")
def messages_group() -> None:
    """Private messages and broadcasts: digests and reminders."""


@messages_group.command("digest")
@with_appcontext
def digest_command() -> None:
    """E-mail the daily summary to people who asked for one (run it once a day)."""
    from plugins.messages.services.digest import send_digests

    click.echo(f"{send_digests()} digest(s) sent.")


@messages_group.command("nudge")
@with_appcontext
def nudge_command() -> None:
    """Remind inactive mentors and mentees, once per quiet period (run it daily)."""
    from plugins.messages.services.nudges import run_nudges

    click.echo(f"{run_nudges()} reminder(s) sent.")
