"""A lesson's images, its export and import as a zipped folder, and translated copies."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import storage
from core.activities import activity_or_404
from core.extensions import db
from core.models import Activity, Programme, Section
from core.permissions import capability_required
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404
from plugins.lessons.blueprint import bp
from plugins.lessons.forms import ImageForm, ImportForm, TranslateForm
from plugins.lessons.models import TYPE, Image
from plugins.lessons.services import bundle, images
from plugins.lessons.services.catalogue import lesson_of, translations_of
from plugins.lessons.views.editor import render_manage

MANAGE = "lessons.manage"


def _lesson(activity_id: int) -> Activity:
    return activity_or_404(activity_id, TYPE)


@bp.route("/<int:activity_id>/images/upload", methods=["POST"])
@capability_required(MANAGE)
def upload_image(activity_id: int):
    """Add an image to the lesson, or replace the image of the same name."""
    activity = _lesson(activity_id)
    form = ImageForm()
    back = url_for(".manage", activity_id=activity.id) + "#images"
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    name = (form.name.data or "").strip() or (getattr(upload, "filename", "") or "")
    if upload is None or not getattr(upload, "filename", None):
        flash(_("Choose an image to upload."), "error")
        return redirect(back)
    if not images.valid_name(name):
        flash(_("Image names may contain letters, digits, dots, hyphens and underscores, "
                "and end in .png, .jpg, .jpeg, .gif or .webp."), "error")
        return redirect(back)
    try:
        row, replaced = images.store(activity, name, upload.stream, current_user)
        db.session.commit()
    except storage.UploadError as err:
        db.session.rollback()
        form.file.errors = [*form.file.errors, str(err)]
        return render_manage(activity, form, err.status)
    if replaced is not None:
        storage.delete(replaced)
        db.session.commit()
        flash(_("The image %(name)s was replaced.", name=row.name), "success")
    else:
        flash(_("The image %(name)s was added. Use it in a page as ![description](%(name)s).",
                name=row.name), "success")
    return redirect(back)


@bp.route("/<int:activity_id>/images/<name>/delete", methods=["GET", "POST"])
@capability_required(MANAGE)
def delete_image(activity_id: int, name: str):
    """Delete an image of the lesson, after confirmation."""
    activity = _lesson(activity_id)
    row = db.session.scalar(db.select(Image).where(Image.activity_id == activity.id,
                                                   Image.name == name))
    if row is None:
        abort(404)
    back = url_for(".manage", activity_id=activity.id) + "#images"
    form = ConfirmForm()
    if form.validate_on_submit():
        stored = row.file
        db.session.delete(row)
        storage.delete(stored)
        db.session.commit()
        flash(_("The image %(name)s was deleted.", name=name), "success")
        return redirect(back)
    return render_template(
        "confirm.html", form=form, programme=activity.programme, cancel=back,
        question=_("Delete the image %(name)s? Pages that show it will show its description "
                   "instead.", name=name))


@bp.route("/<int:activity_id>/export.zip")
@capability_required(MANAGE)
def export(activity_id: int):
    """The lesson as a zipped folder of markdown files with its manifest."""
    activity = _lesson(activity_id)
    key = lesson_of(activity).key
    data = bundle.write_zip(bundle.dump(activity), key)
    resp = Response(data, mimetype="application/zip")
    resp.headers["Content-Disposition"] = f'attachment; filename="{key}.zip"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.route("/p/<int:programme_id>/import", methods=["GET", "POST"])
@capability_required(MANAGE)
def import_lesson(programme_id: int):
    """Create a lesson from an uploaded zip of a lesson folder."""
    programme = get_or_404(Programme, programme_id)
    form = ImportForm()
    form.section_id.choices = [(s.id, s.title) for s in programme.sections]
    if not programme.sections:
        flash(_("Add a section first; lessons live inside sections."), "info")
        return redirect(url_for("course.new_section", programme_id=programme.id))
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        section = db.session.get(Section, form.section_id.data)
        if upload is None or not getattr(upload, "filename", None):
            form.file.errors.append(_("Choose a zip file to upload."))
        elif section is None or section.programme_id != programme.id:
            abort(404)
        else:
            try:
                files = bundle.read_zip(upload.stream)
                ignored = bundle.unused_files(files, bundle.parse_manifest(files))
                activity = bundle.load(files, section, current_user)
            except (bundle.BundleError, storage.UploadError) as err:
                form.file.errors.append(str(err))
                status = getattr(err, "status", 400)
            else:
                flash(_("The lesson “%(t)s” was imported.", t=activity.title), "success")
                if ignored:
                    flash(_("These files are not named in the manifest and were not "
                            "imported: %(files)s", files=", ".join(ignored)), "info")
                return redirect(url_for(".view", activity_id=activity.id))
    return render_template("lessons/form.html", activity=None, programme=programme, form=form,
                           title=_("Import a lesson"), multipart=True,
                           cancel=url_for(".index", programme_id=programme.id),
                           intro=_("Upload a zip of a lesson folder: lesson.json, the pages "
                                   "as markdown files and an images folder. Lessons exported "
                                   "from this site have this form.")), status


@bp.route("/<int:activity_id>/translate", methods=["GET", "POST"])
@capability_required(MANAGE)
def translate(activity_id: int):
    """Copy the lesson as the start of a translation into another language."""
    activity = _lesson(activity_id)
    lesson = lesson_of(activity)
    if lesson.translation_of_id is not None:
        flash(_("This lesson is itself a translation; translate its original instead."),
              "error")
        return redirect(url_for(".manage", activity_id=activity.id))
    taken = {lesson.language} | {ls.language for _a, ls in translations_of(lesson, True)}
    form = TranslateForm()
    form.language.choices = [c for c in form.language.choices if c[0] not in taken]
    if not form.language.choices:
        flash(_("There is a copy of this lesson in every language already."), "info")
        return redirect(url_for(".manage", activity_id=activity.id))
    status = 200
    if form.validate_on_submit():
        try:
            copy = bundle.copy(activity, form.language.data, current_user)
        except (bundle.BundleError, storage.UploadError) as err:
            form.language.errors.append(str(err))
            status = getattr(err, "status", 400)
        else:
            flash(_("A copy was made. Translate its chapters, pages and questions now."),
                  "success")
            return redirect(url_for(".manage", activity_id=copy.id))
    return render_template(
        "lessons/form.html", activity=activity, programme=activity.programme, form=form,
        title=_("Translate “%(t)s”", t=activity.title),
        cancel=url_for(".manage", activity_id=activity.id),
        intro=_("A copy of the whole lesson is made in the same section, linked to this one. "
                "Learners whose language it is are offered the copy.")), status
