"""Filing a stored file shown elsewhere (a forum attachment) into a group's folder."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.activities import activity_or_404
from core.extensions import db
from core.models import StoredFile
from core.permissions import capability_required
from core.storage import UploadError
from core.views.forms import ConfirmForm
from plugins.documents.services.filing import FilingRefused, file_into
from plugins.documents.services.library import FOLDER
from plugins.documents.views.common import bp, group_or_404


@bp.route("/folder/<int:activity_id>/groups/<int:group_id>/file/<int:stored_file_id>",
          methods=["POST"])
@capability_required("documents.upload")
def file_into_folder(activity_id: int, group_id: int, stored_file_id: int):
    """Copy a file from the same programme (sent by a group member) into the folder.

    The copy is independent: deleting the original (say, its forum post) keeps it.
    """
    activity = activity_or_404(activity_id, FOLDER)
    group = group_or_404(activity, group_id)
    stored_file = db.session.get(StoredFile, stored_file_id)
    if stored_file is None or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        doc, is_new = file_into(activity, group, stored_file, current_user)
    except FilingRefused:
        abort(404)
    except UploadError as err:
        return render_template(
            "documents/message.html", programme=activity.programme,
            title=_("The file could not be filed"), message=str(err),
            back=url_for(".folder_group", activity_id=activity.id, group_id=group.id),
        ), err.status
    if is_new:
        flash(_("“%(name)s” filed into “%(folder)s” of %(group)s. Say which template it "
                "fulfils, if any.", name=stored_file.original_name, folder=activity.title,
                group=group.name), "success")
    else:
        flash(_("This file is already in the group's folder."), "info")
    return redirect(url_for(".document", activity_id=doc.activity_id, group_id=group.id,
                            doc_id=doc.id))
