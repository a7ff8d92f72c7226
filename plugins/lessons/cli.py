"""``ementoring lessons …``: export and import lessons as folders of markdown files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from core import storage
from core.extensions import db
from core.models import Activity, Section


@click.group("lessons")
def lessons_group() -> None:
    """Export and import lessons as folders of markdown files with a manifest."""


@lessons_group.command("list")
@click.option("--programme", "programme_id", type=int, help="Only this programme's lessons.")
@with_appcontext
def list_command(programme_id: int | None) -> None:
    """List lessons: activity id, programme, key, track, language and title."""
    from plugins.lessons.models import TYPE
    from plugins.lessons.services.catalogue import lesson_of

    stmt = db.select(Activity).where(Activity.type == TYPE).order_by(Activity.programme_id,
                                                                    Activity.id)
    if programme_id is not None:
        stmt = stmt.where(Activity.programme_id == programme_id)
    for activity in db.session.scalars(stmt):
        lesson = lesson_of(activity)
        click.echo(f"{activity.id:>5}  programme {activity.programme_id:<4} {lesson.key:<28} "
                   f"{lesson.track:<8} {lesson.language:<3} {activity.title}")


@lessons_group.command("export")
@click.argument("activity_id", type=int)
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True,
              help="Replace an earlier export in TARGET (stale pages and images are removed).")
@with_appcontext
def export_command(activity_id: int, target: Path, overwrite: bool) -> None:
    """Write lesson ACTIVITY_ID to the folder TARGET (or a zip when TARGET ends in .zip)."""
    from plugins.lessons.models import TYPE
    from plugins.lessons.services import bundle
    from plugins.lessons.services.catalogue import lesson_of

    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.type != TYPE:
        raise click.ClickException(f"No lesson with activity id {activity_id}.")
    files = bundle.dump(activity)
    try:
        if target.suffix == ".zip":
            if target.exists() and not overwrite:
                raise bundle.BundleError(f"{target} exists; add --overwrite to replace it.")
            target.write_bytes(bundle.write_zip(files, lesson_of(activity).key))
        else:
            bundle.write_folder(files, target, overwrite)
    except bundle.BundleError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"Exported “{activity.title}” ({len(files)} files) to {target}.")


@lessons_group.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--section", "section_id", type=int, required=True,
              help="Id of the course section the lesson is added to.")
@with_appcontext
def import_command(source: Path, section_id: int) -> None:
    """Create a lesson from the folder (or zip) SOURCE at the end of a section."""
    from plugins.lessons.services import bundle

    section = db.session.get(Section, section_id)
    if section is None:
        raise click.ClickException(f"No section with id {section_id}.")
    try:
        if source.is_file():
            with source.open("rb") as fh:
                files = bundle.read_zip(fh)
        else:
            files = bundle.read_folder(source)
        ignored = bundle.unused_files(files, bundle.parse_manifest(files))
        activity = bundle.load(files, section)
    except (bundle.BundleError, storage.UploadError) as err:
        raise click.ClickException(str(err)) from None
    for rel in ignored:
        click.echo(f"Not named in the manifest, not imported: {rel}")
    click.echo(f"Imported “{activity.title}” as activity {activity.id} in programme "
               f"{activity.programme_id}.")


@lessons_group.command("prune-images")
@with_appcontext
def prune_command() -> None:
    """Delete stored lesson images that no lesson uses any more (left by deleted lessons)."""
    from plugins.lessons.services.cleanup import prune_images

    click.echo(f"{prune_images()} unused image file(s) deleted.")
