"""A full disk: telling the user plainly (507), the operators (a WARNING on the
``ementoring.storage`` logger) and the admins (``disk_alerts`` on their page), for
the file store and for the temporary directory that receives uploaded forms."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import time
from datetime import timedelta
from typing import Any

from flask import Request, current_app
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.models import utcnow

log = logging.getLogger("ementoring.storage")
MB = 1024 * 1024
CHUNK = 64 * 1024
# errors that mean "no room left" on the store's or the temporary directory's disk
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})

_last_out_of_space: dict[str, float] = {}  # per process: where -> time of last refusal
ALERT_SECONDS = 24 * 3600  # how long the admin page mentions a refusal


def record_out_of_space(where: str, err: OSError | None = None) -> None:
    """Record and log that a disk is full.

    ``where`` is ``"store"`` or ``"temporary directory"``. Admins see the last time on
    their page (``disk_alerts``); operators see a WARNING on ``ementoring.storage``.
    """
    _last_out_of_space[where] = time.time()
    log.warning("out of space: disk full where=%s path=%s error=%s", where,
                current_app.config["STORAGE_DIR"] if where == "store" else tempfile.gettempdir(),
                err.strerror if err else "")


def out_of_space_message() -> str:
    """What a user is told when the server's disk is full."""
    return _("The server is out of space: your file was not saved. Please tell your manager.")


class OutOfSpace(HTTPException):
    """507: a request's upload could not be received because a disk is full."""

    code = 507
    description = "Insufficient Storage"


class UploadRequest(Request):
    """The request class: a full temporary directory while receiving a form's files
    answers 507 with a plain message instead of a server error."""

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except OSError as err:
            if err.errno not in NO_SPACE:
                raise
            record_out_of_space("temporary directory", err)
            self._drain()
            raise OutOfSpace(out_of_space_message()) from err

    def _drain(self) -> None:
        """Read the rest of the body so the client gets the answer, not a broken pipe."""
        try:
            while self.stream.read(CHUNK):
                pass
        except Exception:  # noqa: BLE001  (a broken client: nothing more to do)
            log.debug("could not drain the request body", exc_info=True)


def disk_alerts() -> list[dict[str, Any]]:
    """Disks that are full or nearly full, for the admin page: the store and the temporary
    directory, each with its free bytes and the last refusal for lack of space."""
    floor = max(int(current_app.config["UPLOAD_MAX_MB"]), 1) * MB
    alerts = []
    for where, path in (("store", current_app.config["STORAGE_DIR"]),
                        ("temporary directory", tempfile.gettempdir())):
        try:
            disk = os.statvfs(path)
        except OSError:
            continue
        free = disk.f_bavail * disk.f_frsize
        last = _last_out_of_space.get(where)
        recent = last is not None and time.time() - last < ALERT_SECONDS
        if free < floor or recent:
            alerts.append({"where": where, "path": path, "free_mb": round(free / MB, 1),
                           "last_refusal": utcnow() - timedelta(seconds=time.time() - last)
                           if recent else None})
    return alerts
