"""Where Alembic finds revisions: the core's, each present plugin's ``migrations``
folder, and stand-ins for revisions a database recorded for a plugin whose folder
has since been deleted (so ``init`` and ``plugins uninstall`` still work)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import MetaData, Table, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import DropTable

from core.plugins import PluginRegistry

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
STAND_INS = "alembic-stand-ins"
_BRANCH = re.compile(r"^([a-z][a-z_]*?)\d+$")

_STAND_IN = '''"""Stand-in for {rev}, recorded by the plugin {label!r} whose folder is gone."""
from alembic import op

from core.plugin_migrations import drop_prefixed_tables

revision = {rev!r}
down_revision = None
branch_labels = {labels!r}
depends_on = None


def upgrade():
    pass


def downgrade():
    drop_prefixed_tables(op.get_bind(), {label!r})
'''


def version_locations(registry: PluginRegistry, engine: Engine, instance_path: str) -> list[str]:
    """Folders of revisions for Alembic: the core's, every present plugin's, and
    one of stand-ins for recorded revisions no present folder holds."""
    locations = [str(MIGRATIONS / "versions")]
    locations += [str(path.resolve()) for _name, path in registry.subfolders("migrations")]
    stand_ins = Path(instance_path) / STAND_INS
    for old in stand_ins.glob("*.py"):
        old.unlink()
    missing = _unknown(locations, _recorded(engine))
    if missing:
        stand_ins.mkdir(parents=True, exist_ok=True)
        for rev in missing:
            match = _BRANCH.match(rev)
            label = match.group(1) if match else rev
            body = _STAND_IN.format(rev=rev, label=label,
                                    labels=(label,) if match else None)
            (stand_ins / f"{rev}.py").write_text(body)
        locations.append(str(stand_ins))
    return locations


def _recorded(engine: Engine) -> set[str]:
    """Revisions stamped in the database's ``alembic_version`` table."""
    if not inspect(engine).has_table("alembic_version"):
        return set()
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _unknown(locations: list[str], revisions: set[str]) -> list[str]:
    """The revisions none of ``locations`` holds."""
    if not revisions:
        return []
    script = ScriptDirectory(str(MIGRATIONS), version_locations=locations)
    unknown = []
    for rev in sorted(revisions):
        try:
            script.get_revision(rev)
        except CommandError:
            unknown.append(rev)
    return unknown


def drop_prefixed_tables(conn: Connection, plugin: str) -> list[str]:
    """Drop the tables of ``plugin`` (named ``<plugin>_…``), dependants first."""
    ordered = [name for name, _fks in inspect(conn).get_sorted_table_and_fkc_names()
               if name and name.startswith(f"{plugin}_")]
    for name in reversed(ordered):  # the tables referring to others go first
        conn.execute(DropTable(Table(name, MetaData())))
    return sorted(ordered)


def configure(config: Any, registry: PluginRegistry, engine: Engine,
              instance_path: str) -> Any:
    """Fill in the Alembic configuration's version locations."""
    config.set_main_option("version_path_separator", "space")
    config.set_main_option("version_locations",
                           " ".join(version_locations(registry, engine, instance_path)))
    return config
