"""The chat plugin's blueprint; its static files (client script, styles) are public."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from core.permissions import public


class _Blueprint(Blueprint):
    """A blueprint whose static files anyone may fetch."""

    @public
    def send_static_file(self, filename: str):  # noqa: ANN201
        return super().send_static_file(filename)


bp = _Blueprint("chat", __name__, url_prefix="/chat", root_path=str(Path(__file__).parent),
                template_folder="templates", static_folder="static",
                static_url_path="/static")
