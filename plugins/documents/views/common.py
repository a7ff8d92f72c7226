"""The blueprint and small helpers shared by the documents plugin's views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.activities import check_group_access
from core.extensions import db
from core.models import MentoringGroup
from core.permissions import public
from core.security import safe_next
from plugins.documents.models import DocTemplate, Document, DocumentVersion
from plugins.documents.services.checklist import MISSING, SIGNED, UPLOADED


class _Blueprint(Blueprint):
    """A blueprint whose static files (plain CSS) anyone may fetch."""

    @public
    def send_static_file(self, filename: str):  # noqa: ANN201
        return super().send_static_file(filename)


bp = _Blueprint("documents", __name__, url_prefix="/documents",
               root_path=str(Path(__file__).resolve().parent.parent),
               template_folder="templates", static_folder="static",
               static_url_path="/documents-static")

FILLED_BY_LABELS = {"manager": _l("Manager"), "mentor": _l("Mentor"), "mentee": _l("Mentee")}
UPLOADER_LABELS = {"manager": _l("Manager"), "mentor": _l("Mentor")}
STATE_LABELS = {MISSING: _l("Missing"), UPLOADED: _l("Uploaded"), SIGNED: _l("Signed")}


@bp.errorhandler(413)
def _too_large(err: Any):  # noqa: ANN202
    """A request bigger than the site allows never reaches the view: say so plainly."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("The file is larger than the limit of %(mb)s MB.", mb=max(1, limit // 1048576))
    back = safe_next(request.referrer, url_for("dashboard.index"))
    return render_template("documents/message.html", title=_("The file is too large"),
                           message=message, back=back), 413


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"documents_filled_by": FILLED_BY_LABELS, "documents_uploader": UPLOADER_LABELS,
            "documents_states": STATE_LABELS}


def group_or_404(activity: Any, group_id: int) -> MentoringGroup:
    """The group whose space in a folder the current user asks for, or 404."""
    check_group_access(activity, group_id)
    return db.session.get(MentoringGroup, group_id)


def template_or_404(activity_id: int, template_id: int) -> DocTemplate:
    """A template of this library, or 404."""
    template = db.session.get(DocTemplate, template_id)
    if template is None or template.activity_id != activity_id:
        abort(404)
    return template


def document_or_404(activity_id: int, group_id: int, doc_id: int, *,
                    trash_ok: bool = False) -> Document:
    """A document of this group's folder; trashed ones only when ``trash_ok``."""
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.activity_id != activity_id or doc.group_id != group_id:
        abort(404)
    if doc.deleted_at is not None and not trash_ok:
        abort(404)
    return doc


def version_or_404(activity_id: int, group_id: int, version_id: int) -> DocumentVersion:
    """A version of a document in this group's folder, or 404."""
    version = db.session.get(DocumentVersion, version_id)
    if version is None:
        abort(404)
    doc = version.document
    if doc.activity_id != activity_id or doc.group_id != group_id:
        abort(404)
    return version


def template_choices(programme_id: int, empty: Any) -> list[tuple[int, Any]]:
    """Choices for "fulfils the template": none, then the programme's templates."""
    from plugins.documents.services.checklist import templates_of

    return [(0, empty)] + [(t.id, t.title) for t in templates_of(programme_id)]
