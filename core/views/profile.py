"""The user's own profile: name, language, theme, and their data export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import concurrency, themes
from core.permissions import capability_required
from core.privacy import export_zip
from core.views.forms import ProfileForm

bp = Blueprint("profile", __name__)
# the user row changes on every visit (last_seen_at): the form is versioned by these
PROFILE_FIELDS = ("display_name", "language", "theme")


@bp.route("/profile", methods=["GET", "POST"])
@capability_required("core.use")
def index():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    form.theme.choices = [(t, _("High contrast, large text") if t == "contrast" else _("Default"))
                          for t in themes.available()]
    concurrency.loaded_version(form, user, PROFILE_FIELDS)
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            user.display_name = form.display_name.data.strip()
            user.language = form.language.data or None
            user.theme = form.theme.data or None

        conflict = concurrency.save(user, form, apply, {
            "display_name": "display_name", "language": lambda u: u.language or "",
            "theme": lambda u: u.theme or "default"}, fields=PROFILE_FIELDS)
        if conflict is None:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".index"))
    if not form.is_submitted():
        form.language.data = user.language or ""
        form.theme.data = user.theme or "default"
    return render_template("profile/index.html", form=form, conflict=conflict), \
        concurrency.status(conflict)


@bp.route("/profile/export")
@capability_required("core.use")
def export():
    data = export_zip(current_user._get_current_object())
    return Response(
        data, mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="my-ementoring-data.zip"'},
    )
