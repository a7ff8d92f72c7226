"""``ementoring matching complete-ended``: mark pairings past their end date completed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("matching", help="Mentor matching and pairings.")
def matching_group() -> None:
    """Commands of the matching plugin."""


@matching_group.command("complete-ended")
@with_appcontext
def complete_ended_command() -> None:
    """Mark running pairings whose end date has passed as completed (run daily)."""
    from plugins.matching.services.pairings import complete_ended

    click.echo(f"{complete_ended()} pairing(s) completed.")
