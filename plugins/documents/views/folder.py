"""Upload folders: each group's documents, versions, trash and the zip of the folder."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.activities import activity_or_404, groups_for
from core.events import emit
from core.extensions import db
from core.permissions import can, capability_required, require
from core.storage import UploadError, serve
from core.storage import delete as delete_file
from core.views.forms import ConfirmForm
from core.views.helpers import paginate
from plugins.documents.forms import DocumentForm, UploadForm, VersionForm
from plugins.documents.models import DocTemplate
from plugins.documents.services.checklist import states, templates_of
from plugins.documents.services.folder import (
    add_version,
    documents_query,
    move_to_trash,
    new_document,
    open_document_for,
    restore,
    title_from_name,
    trash_count,
    zip_current_versions,
)
from plugins.documents.services.library import FOLDER
from plugins.documents.services.uploads import committing, store_upload
from plugins.documents.views.common import (
    bp,
    document_or_404,
    group_or_404,
    template_choices,
    version_or_404,
)


@bp.route("/folder/<int:activity_id>")
@capability_required("documents.view")
def folder(activity_id: int):
    """Open the folder of the user's (first) group."""
    activity = activity_or_404(activity_id, FOLDER)
    groups = groups_for(activity)
    if groups:
        return redirect(url_for(".folder_group", activity_id=activity.id, group_id=groups[0].id))
    return render_template("documents/folder_nogroup.html", activity=activity,
                           programme=activity.programme)


def _upload_form(activity) -> UploadForm:  # noqa: ANN001
    form = UploadForm()
    form.template_id.choices = template_choices(activity.programme_id, _("None"))
    return form


def _render_folder(activity, group, form: UploadForm | None = None, status: int = 200):  # noqa: ANN001, ANN202
    pid = activity.programme_id
    page = paginate(documents_query(activity.id, group.id))
    folder_templates = [t for t in templates_of(pid) if t.folder_id == activity.id]
    items = states(pid, [group.id], folder_templates)[group.id]
    may_restore = can(current_user, "documents.restore", pid, group)
    return render_template(
        "documents/folder.html", activity=activity, programme=activity.programme, group=group,
        groups=groups_for(activity), page=page, items=items,
        form=form or _upload_form(activity),
        can_upload=can(current_user, "documents.upload", pid, group),
        can_delete=can(current_user, "documents.delete", pid, group),
        trash=trash_count(activity.id, group.id) if may_restore else None,
    ), status


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>")
@capability_required("documents.view")
def folder_group(activity_id: int, group_id: int):
    """A group's documents in this folder, with the folder's checklist."""
    activity = activity_or_404(activity_id, FOLDER)
    return _render_folder(activity, group_or_404(activity, group_id))


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/upload", methods=["POST"])
@capability_required("documents.upload")
def upload(activity_id: int, group_id: int):
    """Upload a document; for a template the group already has, it becomes a new version."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    form = _upload_form(activity)
    if not form.validate_on_submit():
        return _render_folder(activity, group, form, 400)
    template = db.session.get(DocTemplate, form.template_id.data) if form.template_id.data else None
    try:
        stored = store_upload(request.files.get("file"), programme_id=activity.programme_id,
                              user=current_user)
    except UploadError as err:
        form.file.errors = [str(err)]
        return _render_folder(activity, group, form, err.status)
    with committing([stored]):
        doc = open_document_for(activity.id, group.id, template.id) if template else None
        if doc is None:
            title = (form.title.data or "").strip() or (
                template.title if template else title_from_name(stored.original_name))
            doc = new_document(activity, group.id, title=title, template=template,
                               user=current_user)
        version = add_version(doc, stored, current_user, form.note.data)
        db.session.flush()
        emit("document_uploaded", actor=current_user, programme=activity.programme_id,
             group=group.id, obj=doc, data={"title": doc.title, "version": version.number})
    if version.number > 1:
        flash(_("Uploaded as version %(n)d of “%(t)s”; earlier versions are kept.",
                n=version.number, t=doc.title), "success")
    else:
        flash(_("“%(t)s” uploaded.", t=doc.title), "success")
    if template is not None and template.folder_id and template.folder_id != activity.id:
        flash(_("Note: filled-in copies of “%(t)s” usually go to “%(folder)s”.",
                t=template.title, folder=template.folder.title), "info")
    if template is not None and template.needs_signature and version.is_scan:
        flash(_("“%(t)s” is now marked as signed for %(g)s.", t=template.title, g=group.name),
              "success")
    return redirect(url_for(".folder_group", activity_id=activity.id, group_id=group.id))


def _render_document(activity, group, doc, version_form=None, edit_form=None, status=200):  # noqa: ANN001, ANN202
    pid = activity.programme_id
    if edit_form is None:
        edit_form = DocumentForm(obj=doc, formdata=None)
        edit_form.template_id.data = doc.template_id or 0
    edit_form.template_id.choices = template_choices(pid, _("None"))
    return render_template(
        "documents/document.html", activity=activity, programme=activity.programme,
        group=group, doc=doc, version_form=version_form or VersionForm(formdata=None),
        edit_form=edit_form, confirm=ConfirmForm(),
        can_upload=can(current_user, "documents.upload", pid, group),
        can_delete=can(current_user, "documents.delete", pid, group),
        can_restore=can(current_user, "documents.restore", pid, group),
    ), status


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/docs/<int:doc_id>")
@capability_required("documents.view")
def document(activity_id: int, group_id: int, doc_id: int):
    """A document and its version history."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    may_restore = can(current_user, "documents.restore", activity.programme_id, group)
    doc = document_or_404(activity.id, group.id, doc_id, trash_ok=may_restore)
    return _render_document(activity, group, doc)


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/docs/<int:doc_id>/versions",
          methods=["POST"])
@capability_required("documents.upload")
def add_document_version(activity_id: int, group_id: int, doc_id: int):
    """Upload a new version; the earlier ones stay in the history."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    doc = document_or_404(activity.id, group.id, doc_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return _render_document(activity, group, doc, version_form=form, status=400)
    try:
        stored = store_upload(request.files.get("file"), programme_id=activity.programme_id,
                              user=current_user)
    except UploadError as err:
        form.file.errors = [str(err)]
        return _render_document(activity, group, doc, version_form=form, status=err.status)
    with committing([stored]):
        version = add_version(doc, stored, current_user, form.note.data)
        db.session.flush()
        emit("document_uploaded", actor=current_user, programme=activity.programme_id,
             group=group.id, obj=doc, data={"title": doc.title, "version": version.number})
    flash(_("Version %(n)d uploaded.", n=version.number), "success")
    return redirect(url_for(".document", activity_id=activity.id, group_id=group.id,
                            doc_id=doc.id))


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/docs/<int:doc_id>/edit",
          methods=["POST"])
@capability_required("documents.upload")
def edit_document(activity_id: int, group_id: int, doc_id: int):
    """Rename a document or say which template it fulfils."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    doc = document_or_404(activity.id, group.id, doc_id)
    form = DocumentForm()
    form.template_id.choices = template_choices(activity.programme_id, _("None"))
    if not form.validate_on_submit():
        return _render_document(activity, group, doc, edit_form=form, status=400)
    doc.title = form.title.data.strip()
    doc.template_id = form.template_id.data or None
    db.session.commit()
    flash(_("Document saved."), "success")
    return redirect(url_for(".document", activity_id=activity.id, group_id=group.id,
                            doc_id=doc.id))


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/versions/<int:version_id>")
@capability_required("documents.view")
def download(activity_id: int, group_id: int, version_id: int):
    """Download one version (always as an attachment)."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    version = version_or_404(activity.id, group.id, version_id)
    if version.document.deleted_at is not None:
        require("documents.restore", activity.programme_id, group, hide=True)
    return serve(version.file, inline_images=False)


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/docs/<int:doc_id>/delete",
          methods=["GET", "POST"])
@capability_required("documents.delete")
def delete_document(activity_id: int, group_id: int, doc_id: int):
    """Move a document to the trash after confirmation."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    doc = document_or_404(activity.id, group.id, doc_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        move_to_trash(doc, current_user)
        emit("document_deleted", actor=current_user, programme=activity.programme_id,
             group=group.id, obj=doc, data={"title": doc.title})
        db.session.commit()
        flash(_("“%(t)s” moved to the trash. A manager can restore it.", t=doc.title), "success")
        return redirect(url_for(".folder_group", activity_id=activity.id, group_id=group.id))
    return render_template(
        "confirm.html", form=form, programme=activity.programme,
        question=_("Move “%(t)s” and all its versions (%(n)d) from the folder of %(g)s to "
                   "the trash? A manager can restore it from there.",
                   t=doc.title, n=len(doc.versions), g=group.name),
        cancel=url_for(".document", activity_id=activity.id, group_id=group.id, doc_id=doc.id),
    )


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/trash")
@capability_required("documents.restore")
def trash(activity_id: int, group_id: int):
    """Documents of this group's folder that were deleted."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    page = paginate(documents_query(activity.id, group.id, trash=True))
    return render_template("documents/trash.html", activity=activity, group=group,
                           programme=activity.programme, page=page, confirm=ConfirmForm(),
                           can_purge=can(current_user, "documents.purge",
                                         activity.programme_id, group))


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/docs/<int:doc_id>/restore",
          methods=["POST"])
@capability_required("documents.restore")
def restore_document(activity_id: int, group_id: int, doc_id: int):
    """Put a document back into the folder."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    doc = document_or_404(activity.id, group.id, doc_id, trash_ok=True)
    if doc.deleted_at is None or not ConfirmForm().validate_on_submit():
        abort(400)
    restore(doc)
    emit("document_restored", actor=current_user, programme=activity.programme_id,
         group=group.id, obj=doc, data={"title": doc.title})
    db.session.commit()
    flash(_("“%(t)s” is back in the folder.", t=doc.title), "success")
    return redirect(url_for(".trash", activity_id=activity.id, group_id=group.id))


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/docs/<int:doc_id>/purge",
          methods=["GET", "POST"])
@capability_required("documents.purge")
def purge_document(activity_id: int, group_id: int, doc_id: int):
    """Delete a trashed document and all its files for good, after confirmation."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    doc = document_or_404(activity.id, group.id, doc_id, trash_ok=True)
    if doc.deleted_at is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        files = [v.file for v in doc.versions]
        title = doc.title
        db.session.delete(doc)
        db.session.flush()
        for stored in files:
            delete_file(stored)
        db.session.commit()
        flash(_("“%(t)s” deleted for good.", t=title), "success")
        return redirect(url_for(".trash", activity_id=activity.id, group_id=group.id))
    return render_template(
        "confirm.html", form=form, programme=activity.programme,
        question=_("Delete “%(t)s” and all its versions (%(n)d) for good? This cannot be "
                   "undone.", t=doc.title, n=len(doc.versions)),
        cancel=url_for(".trash", activity_id=activity.id, group_id=group.id),
    )


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/zip")
@capability_required("documents.view")
def download_zip(activity_id: int, group_id: int):
    """The newest version of every document in the group's folder, as one zip."""
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    docs = db.session.execute(documents_query(activity.id, group.id)).scalars().all()
    if not docs:
        flash(_("This folder is empty; there is nothing to download yet."), "info")
        return redirect(url_for(".folder_group", activity_id=activity.id, group_id=group.id))
    archive = zip_current_versions(docs)
    name = f"{activity.title} - {group.name}.zip".replace("/", "-").replace("\\", "-")
    resp = send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=name, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
