"""Per-programme values of the settings that plugins declare with ``register_settings``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified

from core import concurrency
from core.extensions import db
from core.models import Programme
from core.permissions import capability_required
from core.plugins import registry
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404

bp = Blueprint("programme_settings", __name__)


def parse(raw: str | None, kind: type) -> Any:
    """Turn a submitted value into the setting's type; raise ValueError when it does not fit."""
    if kind is bool:
        return raw in ("1", "on", "true", "y")
    raw = (raw or "").strip()
    if kind is int:
        value = int(raw)
        if value < 0:
            raise ValueError(raw)
        return value
    if kind is float:
        return float(raw)
    return raw


@bp.route("/p/<int:programme_id>/settings", methods=["GET", "POST"])
@capability_required("core.manage_plugins")
def edit(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    reg = registry()
    declared = sorted((s for s in reg.settings.values()
                       if reg.is_enabled(programme.id, s.plugin)),
                      key=lambda s: (s.plugin, s.name))
    current = programme.settings or {}
    values = {(s.plugin, s.name): current.get(s.plugin, {}).get(s.name, s.default)
              for s in declared}
    errors: dict[tuple[str, str], str] = {}
    form = ConfirmForm()
    version, conflict = programme.version, None
    if form.validate_on_submit():
        new = {k: dict(v) for k, v in current.items()}
        for s in declared:
            field = f"{s.plugin}.{s.name}"
            if field not in request.form:
                continue  # not on the submitted form: keep the current value
            try:
                value = parse(request.form.get(field), s.type)
            except ValueError:
                errors[(s.plugin, s.name)] = (
                    _("Enter a whole number of 0 or more.") if s.type is int
                    else _("Enter a number."))
                values[(s.plugin, s.name)] = request.form.get(field, "")
                continue
            values[(s.plugin, s.name)] = value
            new.setdefault(s.plugin, {})[s.name] = value
        if not errors:
            try:
                with concurrency.guarded():
                    concurrency.check(programme.version,
                                      request.form.get("version", type=int))
                    programme.settings = new
                    flag_modified(programme, "settings")
            except concurrency.EditConflict:
                db.session.rollback()
                db.session.expire_all()
                saved = get_or_404(Programme, programme_id).settings or {}
                version = programme.version
                conflict = concurrency.changes(
                    (s.label, saved.get(s.plugin, {}).get(s.name, s.default),
                     values[(s.plugin, s.name)]) for s in declared)
            else:
                flash(_("Settings saved."), "success")
                return redirect(url_for(".edit", programme_id=programme.id))
    return render_template("settings.html", programme=programme, declared=declared,
                           values=values, errors=errors, form=form, version=version,
                           conflict=conflict), concurrency.status(conflict)
