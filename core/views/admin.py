"""Site administration: organisations, programmes, users, and plugins per programme."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from core import concurrency
from core.auth.passwords import hash_password, policy_errors
from core.extensions import db
from core.models import Organisation, Programme, User
from core.permissions import capability_required
from core.plugins import registry
from core.privacy import erase
from core.securitylog import security_event
from core.storage_space import disk_alerts
from core.views.forms import ConfirmForm, OrganisationForm, ProgrammeForm, SearchForm, UserForm
from core.views.helpers import get_or_404, paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@capability_required("core.admin")
def index():
    counts = {
        "organisations": db.session.scalar(db.select(db.func.count(Organisation.id))),
        "programmes": db.session.scalar(db.select(db.func.count(Programme.id))),
        "users": db.session.scalar(db.select(db.func.count(User.id))),
    }
    return render_template("admin/index.html", counts=counts, plugins=registry().names,
                           disk_alerts=disk_alerts())


@bp.route("/organisations", methods=["GET", "POST"])
@capability_required("core.admin")
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(db.select(Organisation).where(Organisation.name == name)):
            form.name.errors.append(_("An organisation with this name exists already."))
        else:
            db.session.add(Organisation(name=name))
            db.session.commit()
            flash(_("Organisation added."), "success")
            return redirect(url_for(".organisations"))
    page = paginate(db.select(Organisation).order_by(Organisation.name))
    return render_template("admin/organisations.html", page=page, form=form)


@bp.route("/programmes")
@capability_required("core.admin")
def programmes():
    page = paginate(db.select(Programme).options(joinedload(Programme.organisation))
                    .order_by(Programme.title))
    return render_template("admin/programmes.html", page=page)


def _programme_form(programme: Programme | None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme)
    form.organisation_id.choices = [
        (o.id, o.name) for o in db.session.execute(
            db.select(Organisation).order_by(Organisation.name)).scalars()
    ]
    return form


@bp.route("/programmes/new", methods=["GET", "POST"])
@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@capability_required("core.admin")
def edit_programme(programme_id: int | None = None):
    prog = get_or_404(Programme, programme_id) if programme_id else None
    form = _programme_form(prog)
    if not form.organisation_id.choices:
        flash(_("Add an organisation first."), "info")
        return redirect(url_for(".organisations"))
    conflict = None
    if form.validate_on_submit():
        if prog is None:
            prog = Programme()
            db.session.add(prog)
            _fill_programme(form, prog)
            db.session.commit()
        else:
            conflict = concurrency.save(prog, form, lambda: _fill_programme(form, prog),
                                        {f: f for f in PROGRAMME_FIELDS})
        if conflict is None:
            flash(_("Programme saved."), "success")
            return redirect(url_for(".programmes"))
    return render_template("admin/programme_form.html", form=form, programme=prog,
                           conflict=conflict), concurrency.status(conflict)


PROGRAMME_FIELDS = ("organisation_id", "title", "description", "language", "starts_on",
                    "ends_on", "status")


def _fill_programme(form: ProgrammeForm, prog: Programme) -> None:
    """Copy the form into the programme (its version is the database's to set)."""
    for name in PROGRAMME_FIELDS:
        form[name].populate_obj(prog, name)
    prog.title = prog.title.strip()


@bp.route("/users")
@capability_required("core.admin")
def users():
    search = SearchForm(request.args)
    stmt = db.select(User).order_by(User.display_name)
    if search.q.data:
        like = f"%{search.q.data.strip()}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.display_name.ilike(like)))
    return render_template("admin/users.html", page=paginate(stmt), search=search,
                           confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@capability_required("core.admin")
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        errors = policy_errors(form.password.data, email=email)
        if db.session.scalar(db.select(User).where(User.email == email)):
            form.email.errors.append(_("An account with this e-mail exists already."))
        elif errors:
            form.password.errors.extend(errors)
        else:
            user = User(email=email, display_name=form.display_name.data.strip(),
                        password_hash=hash_password(form.password.data),
                        is_site_admin=form.is_site_admin.data)
            db.session.add(user)
            db.session.commit()
            security_event("account.created", "success", subject=user.id,
                           site_admin=int(bool(user.is_site_admin)))
            flash(_("Account created."), "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@capability_required("core.admin")
def toggle_active(user_id: int):
    user = get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        user.active = not user.active
        db.session.commit()
        security_event("account.activated" if user.active else "account.deactivated",
                       "success", subject=user.id)
        flash(_("Account activated.") if user.active else _("Account deactivated."), "success")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
@capability_required("core.admin")
def erase_user(user_id: int):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot erase your own account."), "error")
        return redirect(url_for(".users"))
    form = ConfirmForm()
    if form.validate_on_submit():
        erase(user)
        flash(_("The account was erased; its posts now show “deleted user”."), "success")
        return redirect(url_for(".users"))
    return render_template(
        "confirm.html", form=form,
        question=_("Erase %(n)s (%(e)s)? Personal data is removed for good; shared posts stay, "
                   "attributed to “deleted user”.", n=user.display_name, e=user.email),
        cancel=url_for(".users"),
    )


plugins_bp = Blueprint("plugins_admin", __name__)


@plugins_bp.route("/p/<int:programme_id>/plugins", methods=["GET", "POST"])
@capability_required("core.manage_plugins")
def programme_plugins(programme_id: int):
    prog = get_or_404(Programme, programme_id)
    reg = registry()
    form = ConfirmForm()
    if form.validate_on_submit():
        name = request.form.get("plugin", "")
        if name not in reg.names:
            abort(400)
        enable = request.form.get("enabled") == "1"
        reg.set_enabled(prog.id, name, enable)
        flash(_("Plugin %(n)s enabled.", n=name) if enable
              else _("Plugin %(n)s disabled.", n=name), "success")
        return redirect(url_for(".programme_plugins", programme_id=prog.id))
    disabled = reg.disabled_in(prog.id)
    rows = [(name, name not in disabled, (reg.plugin_object(name).__doc__ or "").strip())
            for name in reg.names]
    return render_template("admin/plugins.html", programme=prog, rows=rows, form=form)
