"""``ementoring storage sweep``: unfinished uploads and files without a row go once they
are old enough; files with rows, young files and foreign files stay."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from core.cli import storage_sweep
from core.extensions import db
from core.storage import TEMP_PREFIX, path_of, save_bytes, store_root

HOUR = 3600


def _file(path: Path, data: bytes, seconds: int) -> Path:
    """Write ``path``, last modified ``seconds`` ago."""
    path.write_bytes(data)
    return _age(path, seconds)


def _age(path: Path, seconds: int) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _stray(seconds: int) -> Path:
    """Bytes stored under a key whose row was never committed."""
    key = uuid.uuid4().hex
    path = store_root() / key[:2] / key[2:4] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    return _file(path, b"orphan", seconds)


def test_sweep_removes_only_old_orphans(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path))  # this test's files only
    kept = save_bytes(b"kept", "kept.txt")
    db.session.commit()
    kept_path = _age(path_of(kept), 5 * HOUR)
    old_temp = _file(store_root() / f"{TEMP_PREFIX}abc", b"half", 2 * HOUR)
    young_temp = _file(store_root() / f"{TEMP_PREFIX}def", b"in progress", 60)
    old_stray, young_stray = _stray(2 * HOUR), _stray(60)
    foreign = _file(store_root() / "README", b"not ours", 9 * HOUR)

    runner = app.test_cli_runner()
    listed = runner.invoke(storage_sweep, ["--dry-run"])
    assert listed.exit_code == 0, listed.output
    assert "Would remove 2 file(s)" in listed.output
    assert str(old_temp) in listed.output and str(old_stray) in listed.output
    assert old_temp.exists() and old_stray.exists()

    done = runner.invoke(storage_sweep, [])
    assert "Removed 2 file(s)" in done.output
    assert not old_temp.exists() and not old_stray.exists()
    assert kept_path.exists() and young_temp.exists() and young_stray.exists()
    assert foreign.exists()

    done = runner.invoke(storage_sweep, ["--older-than", "0"])
    assert "Removed 2 file(s)" in done.output
    assert not young_temp.exists() and not young_stray.exists()
    assert kept_path.read_bytes() == b"kept" and foreign.exists()


def test_init_sweeps_at_start_up(app, tmp_path, monkeypatch):
    """`ementoring init` (run at every start of `make run` and of a deployment) sweeps."""
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path))
    old_temp = _file(store_root() / f"{TEMP_PREFIX}killed", b"half", 2 * HOUR)
    old_stray, young_stray = _stray(2 * HOUR), _stray(60)
    result = app.test_cli_runner().invoke(args=["init", "--no-admin"])
    assert result.exit_code == 0, result.output
    assert "removed 2 unfinished or orphaned file(s)" in result.output
    assert not old_temp.exists() and not old_stray.exists() and young_stray.exists()
