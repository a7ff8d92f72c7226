"""The ``ementoring documents`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.extensions import db
from core.models import Activity

documents_cli = AppGroup("documents", help="Template libraries and group folders.")


@documents_cli.command("install-defaults")
@click.argument("library_id", type=int)
def install_defaults_command(library_id: int) -> None:
    """Add the default template set to the template library LIBRARY_ID (an activity id)."""
    from plugins.documents.services.library import LIBRARY, install_default_set

    library = db.session.get(Activity, library_id)
    if library is None or library.type != LIBRARY:
        raise click.ClickException(f"activity {library_id} is not a template library")
    created = install_default_set(library, None)
    click.echo(f"{len(created)} templates added to “{library.title}”.")


@documents_cli.command("clean-orphans")
def clean_orphans_command() -> None:
    """Delete stored files left behind by deleted groups or activities."""
    from plugins.documents.services.cleanup import remove_orphans

    click.echo(f"{remove_orphans()} orphaned files removed.")
