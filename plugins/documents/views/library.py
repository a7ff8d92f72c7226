"""The template library: download-only templates, their management, the live guide."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import concurrency
from core.activities import activity_or_404
from core.events import emit
from core.extensions import db
from core.models import MentoringGroup, Programme
from core.permissions import can, capability_required, group_ids, visible_group_ids
from core.storage import UploadError, serve
from core.storage import delete as delete_file
from core.text import render_markdown
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404, move, renumber
from plugins.documents.forms import TemplateForm
from plugins.documents.models import DocTemplate
from plugins.documents.services.checklist import templates_of
from plugins.documents.services.library import (
    FOLDER,
    LIBRARY,
    folders_of,
    install_default_set,
    libraries_of,
    templates_in,
)
from plugins.documents.services.uploads import committing, store_upload
from plugins.documents.views.common import bp, template_or_404


@bp.route("/library/<int:activity_id>")
@capability_required("documents.view")
def library(activity_id: int):
    """The library: every template with who fills it in and where the copy goes."""
    activity = activity_or_404(activity_id, LIBRARY)
    return render_template(
        "documents/library.html", activity=activity, programme=activity.programme,
        templates=templates_in(activity), confirm=ConfirmForm(),
        manage=can(current_user, "documents.manage_templates", activity.programme_id),
    )


@bp.route("/library/<int:activity_id>/templates/<int:template_id>/download")
@capability_required("documents.view")
def download_template(activity_id: int, template_id: int):
    """Download a blank template."""
    activity_or_404(activity_id, LIBRARY)
    template = template_or_404(activity_id, template_id)
    return serve(template.file, inline_images=False)


def _my_groups(programme_id: int) -> list[MentoringGroup]:
    """Groups whose spaces the current user may enter (all of them for managers)."""
    stmt = db.select(MentoringGroup).where(MentoringGroup.programme_id == programme_id)
    visible = visible_group_ids(current_user, programme_id)
    if visible is not None:
        stmt = stmt.where(MentoringGroup.id.in_(visible or [-1]))
    return list(db.session.execute(stmt.order_by(MentoringGroup.name)).scalars())


def _my_folder_links(programme_id: int, template=None) -> list[tuple]:  # noqa: ANN001
    """(folder, group) pairs the current user may upload into, for a template's folder."""
    folders = [template.folder] if template is not None and template.folder else \
        folders_of(programme_id, visible_only=True)
    return [(f, g) for f in folders for g in _my_groups(programme_id)
            if can(current_user, "documents.upload", programme_id, g)]


@bp.route("/library/<int:activity_id>/filled", methods=["GET", "POST"])
@bp.route("/library/<int:activity_id>/templates/<int:template_id>/filled",
          methods=["GET", "POST"])
@capability_required("documents.view")
def filled_copy(activity_id: int, template_id: int | None = None):
    """Where a filled-in copy belongs. Uploads sent here are refused and never stored:
    the library holds blank templates only."""
    activity = activity_or_404(activity_id, LIBRARY)
    template = template_or_404(activity_id, template_id) if template_id else None
    refused = request.method == "POST"
    folders = [template.folder] if template and template.folder else \
        folders_of(activity.programme_id, visible_only=True)
    return render_template(
        "documents/filled.html", activity=activity, programme=activity.programme,
        template=template, folders=folders, refused=refused,
        links=_my_folder_links(activity.programme_id, template),
        is_mentee=not can(current_user, "documents.upload", activity.programme_id),
    ), (409 if refused else 200)


def _template_form(activity, template=None) -> TemplateForm:  # noqa: ANN001
    form = TemplateForm(obj=template)
    form.folder_id.choices = [(0, _("Not decided yet"))] + [
        (f.id, f.title) for f in folders_of(activity.programme_id)]
    if template is not None and request.method == "GET":
        form.description.data = template.description_source
        form.folder_id.data = template.folder_id or 0
    return form


# form field -> the template's value, to show what differs after an edit conflict
TEMPLATE_FIELDS = {"title": "title", "description": "description_source",
                   "filled_by": "filled_by", "mandatory": "mandatory",
                   "needs_signature": "needs_signature",
                   "folder_id": lambda t: t.folder_id or 0}


def _apply(form: TemplateForm, template) -> None:  # noqa: ANN001
    template.title = form.title.data.strip()
    template.description_source = form.description.data or ""
    template.description_html = render_markdown(form.description.data)
    template.filled_by = form.filled_by.data
    template.mandatory = form.mandatory.data
    template.needs_signature = form.needs_signature.data
    template.folder_id = form.folder_id.data or None


@bp.route("/library/<int:activity_id>/templates/new", methods=["GET", "POST"])
@capability_required("documents.manage_templates")
def new_template(activity_id: int):
    """Publish a template."""
    activity = activity_or_404(activity_id, LIBRARY)
    form = _template_form(activity)
    status = 200
    if form.validate_on_submit():
        try:
            stored = store_upload(request.files.get("file"), programme_id=activity.programme_id,
                                  user=current_user)
        except UploadError as err:
            form.file.errors = [str(err)]
            status = err.status
        else:
            with committing([stored]):
                template = DocTemplate(programme_id=activity.programme_id,
                                       activity_id=activity.id, file=stored,
                                       position=len(templates_in(activity)),
                                       created_by_id=current_user.id)
                _apply(form, template)
                db.session.add(template)
                db.session.flush()
                emit("template_published", actor=current_user, programme=activity.programme_id,
                     obj=template, data={"title": template.title})
            flash(_("Template “%(t)s” published.", t=template.title), "success")
            return redirect(url_for(".library", activity_id=activity.id))
    elif request.method == "POST":
        status = 400
    return render_template("documents/template_form.html", form=form, activity=activity,
                           programme=activity.programme, template=None), status


@bp.route("/library/<int:activity_id>/templates/<int:template_id>/edit",
          methods=["GET", "POST"])
@capability_required("documents.manage_templates")
def edit_template(activity_id: int, template_id: int):
    """Edit a template's details; a new file replaces the old one."""
    activity = activity_or_404(activity_id, LIBRARY)
    template = template_or_404(activity_id, template_id)
    form = _template_form(activity, template)
    status, conflict = 200, None
    if form.validate_on_submit():
        upload = request.files.get("file")
        stored = None
        try:
            concurrency.check(template.version, form.version.data)
            if upload is not None and upload.filename:
                stored = store_upload(upload, programme_id=activity.programme_id,
                                      user=current_user)
            old = template.file if stored is not None else None
            with committing([stored]), concurrency.guarded():
                _apply(form, template)
                if stored is not None:
                    template.file = stored
        except UploadError as err:
            form.file.errors = [str(err)]
            status = err.status
        except concurrency.EditConflict:
            db.session.rollback()
            db.session.expire_all()
            conflict = concurrency.conflict(form, template, TEMPLATE_FIELDS)
            status = concurrency.status(conflict)
        else:
            if old is not None:
                delete_file(old)
                db.session.commit()
            flash(_("Template saved."), "success")
            return redirect(url_for(".library", activity_id=activity.id))
    elif request.method == "POST":
        status = 400
    return render_template("documents/template_form.html", form=form, activity=activity,
                           programme=activity.programme, template=template,
                           conflict=conflict), status


@bp.route("/library/<int:activity_id>/templates/<int:template_id>/move/<direction>",
          methods=["POST"])
@capability_required("documents.manage_templates")
def move_template(activity_id: int, template_id: int, direction: str):
    """Move a template up or down the list."""
    activity = activity_or_404(activity_id, LIBRARY)
    template = template_or_404(activity_id, template_id)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    move(templates_in(activity), template, direction)
    db.session.commit()
    return redirect(url_for(".library", activity_id=activity.id) + f"#template-{template.id}")


@bp.route("/library/<int:activity_id>/templates/<int:template_id>/delete",
          methods=["GET", "POST"])
@capability_required("documents.manage_templates")
def delete_template(activity_id: int, template_id: int):
    """Remove a template after confirmation; group documents that fulfil it stay."""
    activity = activity_or_404(activity_id, LIBRARY)
    template = template_or_404(activity_id, template_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        stored = template.file
        db.session.delete(template)
        db.session.flush()
        delete_file(stored)
        renumber(templates_in(activity))
        db.session.commit()
        flash(_("Template removed."), "success")
        return redirect(url_for(".library", activity_id=activity.id))
    return render_template(
        "confirm.html", form=form, programme=activity.programme,
        question=_("Remove the template “%(t)s” from the library? Documents the groups have "
                   "already uploaded for it stay in their folders.", t=template.title),
        cancel=url_for(".library", activity_id=activity.id),
    )


@bp.route("/library/<int:activity_id>/install-defaults", methods=["POST"])
@capability_required("documents.manage_templates")
def install_defaults(activity_id: int):
    """Add the default template set (mentoring contract, list of participants…)."""
    activity = activity_or_404(activity_id, LIBRARY)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        created = install_default_set(activity, current_user)
    except UploadError as err:
        flash(str(err), "error")
    else:
        if created:
            flash(_("Templates added: %(n)d. Check where each filled-in copy goes.",
                    n=len(created)), "success")
        else:
            flash(_("The library already has every default template."), "info")
    return redirect(url_for(".library", activity_id=activity.id))


@bp.route("/p/<int:programme_id>/guide")
@capability_required("documents.view")
def guide(programme_id: int):
    """Which documents are mandatory or optional, who fills each in, who uploads it, where."""
    programme = get_or_404(Programme, programme_id)
    templates = templates_of(programme_id)
    libraries = libraries_of(programme_id)
    folders = folders_of(programme_id, visible_only=True)
    manage = can(current_user, "core.manage_course", programme_id)
    return render_template(
        "documents/guide.html", programme=programme, libraries=libraries, folders=folders,
        mandatory=[t for t in templates if t.mandatory],
        optional=[t for t in templates if not t.mandatory],
        my_groups=_guide_groups(programme_id), manage=manage, folder_type=FOLDER,
        overview=can(current_user, "documents.overview", programme_id),
    )


def _guide_groups(programme_id: int) -> list:
    mine = group_ids(current_user, programme_id)
    if not mine:
        return []
    return db.session.execute(
        db.select(MentoringGroup).where(MentoringGroup.id.in_(mine))
        .order_by(MentoringGroup.name)).scalars().all()
