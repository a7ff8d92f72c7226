"""The user's own profile: name, language, theme, and their data export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import themes
from core.extensions import db
from core.permissions import capability_required
from core.privacy import export_zip
from core.views.forms import ProfileForm

bp = Blueprint("profile", __name__)


@bp.route("/profile", methods=["GET", "POST"])
@capability_required("core.use")
def index():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    form.theme.choices = [(t, _("High contrast, large text") if t == "contrast" else _("Default"))
                          for t in themes.available()]
    if form.validate_on_submit():
        user.display_name = form.display_name.data.strip()
        user.language = form.language.data or None
        user.theme = form.theme.data or None
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".index"))
    if not form.is_submitted():
        form.language.data = user.language or ""
        form.theme.data = user.theme or "default"
    return render_template("profile/index.html", form=form)


@bp.route("/profile/export")
@capability_required("core.use")
def export():
    data = export_zip(current_user._get_current_object())
    return Response(
        data, mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="my-ementoring-data.zip"'},
    )
