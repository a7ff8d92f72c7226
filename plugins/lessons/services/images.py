"""Lesson images: names, storage, and page rendering that points image references
at the view serving them."""

from __future__ import annotations

import html
import re
from typing import IO, Any

from flask import current_app
from markupsafe import escape
from sqlalchemy.orm import joinedload

from core import storage
from core.extensions import db
from core.text import render_markdown
from plugins.lessons.models import Image

IMAGE_KINDS = frozenset({"png", "jpg", "jpeg", "gif", "webp"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


def valid_name(name: str) -> bool:
    """True for a plain image file name: letters, digits, dots, hyphens, underscores
    and an image extension, no folders."""
    return bool(_NAME.match(name)) and ".." not in name and storage.extension(name) in IMAGE_KINDS


def image_path(activity_id: int, name: str) -> str:
    """The URL path of the view serving a lesson's image (works without a request,
    for imports from the command line)."""
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    return adapter.build("lessons.image", {"activity_id": activity_id, "name": name})


def referenced_names(body_html: str, activity_id: int) -> list[str]:
    """Names of the lesson's images a rendered page shows, in order, without repeats."""
    prefix = image_path(activity_id, "x.png")[: -len("x.png")]
    names: list[str] = []
    for match in _IMG_SRC.finditer(body_html or ""):
        src = html.unescape(match.group(2))
        if src.startswith(prefix) and valid_name(src[len(prefix):]):
            name = src[len(prefix):]
            if name not in names:
                names.append(name)
    return names


def render_page(source: str, activity_id: int) -> str:
    """Render page markdown; image references by plain name become serving URLs."""
    rendered = render_markdown(source)

    def _point(match: re.Match[str]) -> str:
        src = html.unescape(match.group(2))
        if not valid_name(src):
            return match.group(0)
        return match.group(1) + str(escape(image_path(activity_id, src))) + match.group(3)

    return _IMG_SRC.sub(_point, rendered)


def images_of(activity_id: int) -> list[Image]:
    """A lesson's images by name."""
    return list(db.session.scalars(
        db.select(Image).where(Image.activity_id == activity_id).order_by(Image.name)
        .options(joinedload(Image.file))))


def store(activity: Any, name: str, stream: IO[bytes], user: Any = None, *,
          rate: bool = True) -> tuple[Image, Any]:
    """Store an image under ``name`` in a lesson, replacing one of the same name;
    ``rate=False`` for the images of an imported lesson (one upload, many files).

    Returns the image row and the stored file it replaced (or None), which the
    caller deletes after committing. Raises ``storage.UploadError``.
    """
    stored = storage.save_stream(stream, name, plugin="lessons", programme=activity.programme_id,
                                 user=user, allowed=IMAGE_KINDS, rate=rate)
    db.session.flush()
    row = db.session.scalar(db.select(Image).where(Image.activity_id == activity.id,
                                                   Image.name == name))
    replaced = None
    if row is None:
        row = Image(activity_id=activity.id, name=name, file_id=stored.id)
        db.session.add(row)
    else:
        replaced = row.file
        row.file_id = stored.id
        row.file = stored
    return row, replaced
