"""The lessons plugin's blueprint."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from core.i18n import language_label
from core.permissions import public


class _Blueprint(Blueprint):
    """A blueprint whose static files (plain CSS) anyone may fetch."""

    @public
    def send_static_file(self, filename: str):  # noqa: ANN201
        return super().send_static_file(filename)


bp = _Blueprint("lessons", __name__, url_prefix="/lessons",
                root_path=str(Path(__file__).resolve().parent),
                template_folder="templates", static_folder="static",
                static_url_path="/lessons-static")


@bp.context_processor
def _helpers() -> dict:
    from plugins.lessons.services.catalogue import track_label

    return {"track_label": track_label, "language_name": language_label}
