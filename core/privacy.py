"""The privacy contract: export a user's data and erase it, through every plugin."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from core.extensions import db
from core.plugins import hooks
from core.securitylog import security_event
from core.storage import path_of


def export_zip(user: Any) -> bytes:
    """Everything every plugin stores about ``user``: ``data.json`` plus their files."""
    buf = io.BytesIO()
    payload: dict[str, Any] = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in hooks().export_user_data(user=user):
            if item is None:
                continue
            payload[item.plugin] = item.records
            for sf in item.files:
                path = path_of(sf)
                if path.exists():
                    zf.write(path, f"files/{item.plugin}/{sf.id}-{sf.original_name}")
        zf.writestr("data.json", json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    security_event("data.exported", "success", subject=user.id)
    return buf.getvalue()


def erase(user: Any) -> None:
    """Erase or anonymise the user everywhere and commit."""
    hooks().erase_user_data(user=user)
    db.session.commit()
    security_event("account.erased", "success", subject=user.id)
