"""Helpers for the documents plugin's tests: templates, uploads, the file store."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from flask import current_app, g

from core.extensions import db
from core.storage import save_bytes
from plugins.documents.models import DocTemplate

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DOCX = b"PK\x03\x04" + b"\x00" * 64


def make_template(library: Any, title: str, *, folder: Any = None, filled_by: str = "mentor",
                  mandatory: bool = True, needs_signature: bool = False,
                  position: int = 0) -> DocTemplate:
    """A committed template with a small PDF as its file."""
    sf = save_bytes(PDF, f"{title.lower().replace(' ', '-')}.pdf", plugin="documents",
                    programme=library.programme_id)
    template = DocTemplate(programme_id=library.programme_id, activity_id=library.id,
                           title=title, filled_by=filled_by, mandatory=mandatory,
                           needs_signature=needs_signature,
                           folder_id=folder.id if folder else None, file=sf, position=position)
    db.session.add(template)
    db.session.commit()
    return template


def fresh_g() -> None:
    """Forget per-request caches kept in ``g`` (tests share one app context)."""
    for key in list(vars(g)):
        delattr(g, key)
    db.session.expire_all()


def folder_url(folder: Any, group: Any, tail: str = "") -> str:
    return f"/documents/folder/{folder.id}/groups/{group.id}{tail}"


def upload(client: Any, folder: Any, group: Any, name: str = "scan.pdf", data: bytes = PDF,
           **fields: Any) -> Any:
    """POST a file to a group's folder."""
    form = {"file": (io.BytesIO(data), name)}
    form.update({k: str(v) for k, v in fields.items()})
    return client.post(folder_url(folder, group, "/upload"), data=form,
                       content_type="multipart/form-data")


def store_listing() -> set[str]:
    """Every file (temporary ones included) under the storage directory."""
    root = Path(current_app.config["STORAGE_DIR"])
    if not root.exists():
        return set()
    return {str(Path(dirpath, f).relative_to(root))
            for dirpath, _dirs, files in os.walk(root) for f in files}


def set_settings(programme: Any, **values: Any) -> None:
    """Set documents settings of a programme."""
    settings = dict(programme.settings or {})
    settings["documents"] = {**settings.get("documents", {}), **values}
    programme.settings = settings
    db.session.commit()


def add_document(folder: Any, group: Any, user: Any, *, title: str = "Signed contract",
                 template: Any = None, name: str = "contract.pdf", data: bytes = PDF,
                 versions: int = 1) -> Any:
    """A committed document with ``versions`` versions, made through the services."""
    from plugins.documents.services.folder import add_version, new_document

    doc = new_document(folder, group.id, title=title, template=template, user=user)
    for n in range(versions):
        sf = save_bytes(data, name if n == 0 else f"v{n + 1}-{name}", plugin="documents",
                        programme=folder.programme_id, user=user, rate=False)
        add_version(doc, sf, user, note=f"version {n + 1}")
        db.session.flush()
    db.session.commit()
    return doc


def plain(resp: Any) -> str:
    """The page's text without tags, whitespace collapsed, entities decoded."""
    import html
    import re

    text = resp.get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())
