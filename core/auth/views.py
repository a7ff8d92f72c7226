"""Login, logout, password change and reset, invitation acceptance."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core.auth import passwords, tokens
from core.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    LoginForm,
    ResetForm,
    ResetRequestForm,
)
from core.extensions import db
from core.mail import send_mail
from core.models import GroupMember, Invitation, LoginThrottle, Membership, User, new_token, utcnow
from core.permissions import capability_required, public
from core.security import safe_next

bp = Blueprint("auth", __name__)


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (new session id, old contents dropped)."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    login_user(user)
    session.permanent = False


def _throttle(email: str) -> LoginThrottle:
    row = db.session.get(LoginThrottle, email)
    if row is None:
        row = LoginThrottle(email=email, failures=0)
        db.session.add(row)
    return row


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        cfg = current_app.config
        throttle = _throttle(email)
        now = utcnow()
        if throttle.locked_until and throttle.locked_until > now:
            passwords.burn_time(form.password.data)
            flash(_("Too many failed attempts. Try again in %(m)d minutes.",
                    m=cfg["LOGIN_LOCK_MINUTES"]), "error")
            return render_template("auth/login.html", form=form), 429
        user = db.session.execute(db.select(User).where(User.email == email)).scalar()
        if user is None:
            passwords.burn_time(form.password.data)
            ok = False
        else:
            ok = passwords.check_password(user.password_hash, form.password.data)
        if ok and user.is_active:
            throttle.failures = 0
            throttle.locked_until = None
            user.last_seen_at = now
            db.session.commit()
            start_session(user)
            return redirect(safe_next(form.next.data, url_for("dashboard.index")))
        throttle.failures += 1
        throttle.updated_at = now
        if throttle.failures >= cfg["LOGIN_MAX_FAILURES"]:
            throttle.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
            throttle.failures = 0
        db.session.commit()
        flash(_("The e-mail address or password is not right."), "error")
        return render_template("auth/login.html", form=form), 200
    if not form.is_submitted():
        from flask import request

        form.next.data = request.args.get("next", "")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@capability_required("core.use")
def logout():
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@capability_required("core.use")
def change_password():
    form = ChangePasswordForm()
    form._email = current_user.email
    if form.validate_on_submit():
        if not passwords.check_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is not right."))
        else:
            user = current_user._get_current_object()
            user.password_hash = passwords.hash_password(form.password.data)
            user.session_token = new_token()  # ends every other session
            db.session.commit()
            start_session(user)
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return redirect(url_for("profile.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@public
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.execute(db.select(User).where(User.email == email)).scalar()
        if user is not None and user.is_active:
            link = url_for("auth.reset", token=tokens.reset_token(user), _external=True)
            send_mail(
                user.email,
                _("Reset your password"),
                _("Someone asked to reset the password of your account. If it was you, "
                  "open this link within an hour:\n\n%(link)s\n\nIf it was not you, "
                  "ignore this message.", link=link),
            )
        flash(_("If an account exists for that address, we have sent it a link to "
                "choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset(token: str):
    user = tokens.user_from_reset_token(token)
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetForm()
    form._email = user.email
    if form.validate_on_submit():
        user.password_hash = passwords.hash_password(form.password.data)
        user.session_token = new_token()
        db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.email == user.email))
        db.session.commit()
        start_session(user)
        flash(_("Your new password is set."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/reset.html", form=form)


def _invitation(token: str) -> Invitation:
    inv = db.session.execute(
        db.select(Invitation).where(Invitation.token_hash == tokens.hash_token(token))
    ).scalar()
    if inv is None or inv.accepted_at is not None or inv.expires_at < utcnow():
        abort(404)
    return inv


def join(user: User, inv: Invitation) -> None:
    """Give ``user`` the invitation's programme role and group place."""
    membership = db.session.execute(
        db.select(Membership).where(
            Membership.user_id == user.id, Membership.programme_id == inv.programme_id
        )
    ).scalar()
    if membership is None:
        db.session.add(Membership(user_id=user.id, programme_id=inv.programme_id, role=inv.role))
    if inv.group_id and db.session.get(GroupMember, (inv.group_id, user.id)) is None:
        db.session.add(GroupMember(group_id=inv.group_id, user_id=user.id, role=inv.role))
    inv.accepted_at = utcnow()


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    inv = _invitation(token)
    existing = db.session.execute(db.select(User).where(User.email == inv.email)).scalar()
    if existing is not None:
        if not current_user.is_authenticated or current_user.id != existing.id:
            flash(_("You already have an account. Log in to accept the invitation."), "info")
            return redirect(url_for("auth.login", next=url_for("auth.accept_invitation",
                                                                token=token)))
        from flask import request

        if request.method == "POST":
            from flask_wtf.csrf import validate_csrf

            validate_csrf(request.form.get("csrf_token"))
            join(existing, inv)
            db.session.commit()
            flash(_("You have joined %(p)s.", p=inv.programme.title), "success")
            return redirect(url_for("course.programme", programme_id=inv.programme_id))
        return render_template("auth/invitation_existing.html", invitation=inv)
    form = AcceptInvitationForm()
    form._email = inv.email
    if form.validate_on_submit():
        user = User(email=inv.email, display_name=form.display_name.data.strip(),
                    password_hash=passwords.hash_password(form.password.data))
        db.session.add(user)
        db.session.flush()
        join(user, inv)
        db.session.commit()
        start_session(user)
        flash(_("Welcome! You have joined %(p)s.", p=inv.programme.title), "success")
        return redirect(url_for("course.programme", programme_id=inv.programme_id))
    return render_template("auth/invitation.html", form=form, invitation=inv)
