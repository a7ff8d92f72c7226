"""Profile photos: decoded, turned upright, shrunk and re-encoded so that no EXIF data
(camera, place, time) reaches the store; the original bytes are never kept."""

from __future__ import annotations

import io
import warnings
from typing import Any

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core import storage
from core.storage import UploadError

MAX_SIDE = 480
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def reencode(data: bytes) -> bytes:
    """Return a JPEG of at most ``MAX_SIDE`` pixels a side without any metadata.

    Raises ``UploadError`` for anything that is not a picture Pillow can read.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format not in FORMATS:
                    raise UploadError(_("Choose a JPEG, PNG, WebP or GIF picture."))
                if img.width * img.height > MAX_PIXELS:
                    raise UploadError(_("The picture is too large."))
                img.seek(0)
                upright = ImageOps.exif_transpose(img)
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                if upright.mode in ("RGBA", "LA", "P"):
                    rgba = upright.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, (255, 255, 255))
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    flat = upright.convert("RGB")
                # a fresh image carries no info dict, so nothing of the original's
                # metadata (EXIF, XMP, ICC, comments) can be written back
                clean = Image.new("RGB", flat.size)
                clean.paste(flat)
                out = io.BytesIO()
                clean.save(out, "JPEG", quality=85, optimize=True)
                return out.getvalue()
    except UploadError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError, ValueError):
        raise UploadError(_("This file is not a picture we can read.")) from None


def save_photo(file_storage: Any, *, programme: Any, user: Any) -> Any:
    """Read an uploaded picture (bounded), re-encode it and store the result; return
    the new ``StoredFile`` (not yet committed)."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadError(_("Choose a file to upload."))
    data = file_storage.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(_("The picture is larger than the limit of %(mb)s MB.",
                            mb=MAX_UPLOAD_BYTES // 1048576), 413)
    if not data:
        raise UploadError(_("The file is empty."))
    jpeg = reencode(data)
    return storage.save_bytes(jpeg, "photo.jpg", plugin="matching", programme=programme,
                              user=user, allowed={"jpg"})
