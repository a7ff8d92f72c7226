"""Login, logout, password change and reset, invitation acceptance."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from core.auth import limits, logins, passwords, throttle, tokens
from core.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    LoginForm,
    ResetForm,
    ResetRequestForm,
)
from core.extensions import db
from core.mail import send_mail
from core.models import GroupMember, Invitation, Membership, User, utcnow
from core.permissions import capability_required, public
from core.security import safe_next
from core.securitylog import security_event

bp = Blueprint("auth", __name__)


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (new session id and server-side record,
    old contents dropped) and commit."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    logins.open_session(user)
    db.session.commit()
    login_user(user)
    session.permanent = False


def new_password(user: User, password: str) -> None:
    """Set ``user``'s password: every session on every device ends, and so do the
    calendar feed address and any reset link, as after any change of credentials.
    The caller commits and then starts the new session."""
    user.password_hash = passwords.hash_password(password)
    logins.end_all_sessions(user)


def _throttled(verdict: throttle.Verdict) -> str:
    if verdict.account_locked:
        return _("This account is locked after many failed attempts. To open it now, "
                 "ask for a password reset link; or try again in %(m)d minutes.",
                 m=verdict.minutes)
    return _("Too many failed attempts. Try again in %(m)d minutes.", m=verdict.minutes)


@bp.errorhandler(TooManyRequests)
def _too_many(err: TooManyRequests):  # noqa: ANN202
    """A request limit was reached: the same page again, saying so."""
    security_event("request.limited", "refused", endpoint=request.endpoint)
    pages = {"auth.login": ("auth/login.html", LoginForm),
             "auth.reset_request": ("auth/reset_request.html", ResetRequestForm)}
    if request.endpoint in pages:
        template, form = pages[request.endpoint]
        flash(err.description, "error")
        return render_template(template, form=form()), 429
    return render_template("errors/error.html", error=err, detail=err.description), 429


@bp.route("/login", methods=["GET", "POST"])
@limits.login
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.execute(db.select(User).where(User.email == email)).scalar()
        verdict = throttle.check(email, user, form.password.data, purpose="login")
        if verdict.wait:
            db.session.commit()
            flash(_throttled(verdict), "error")
            return render_template("auth/login.html", form=form), 429
        if verdict.ok and user.is_active:
            user.last_seen_at = utcnow()
            start_session(user)
            security_event("login.success", "success", user=user.id)
            return redirect(safe_next(form.next.data, url_for("dashboard.index")))
        if verdict.ok:
            security_event("login.inactive", "refused", user=user.id)
        db.session.commit()
        flash(_("The e-mail address or password is not right."), "error")
        return render_template("auth/login.html", form=form), 200
    if not form.is_submitted():
        form.next.data = request.args.get("next", "")
    return render_template("auth/login.html", form=form)


def _log_out(end: Callable[[User], None], event: str, message: str) -> Response:
    """End this session (``end`` decides which others end with it) and go to login."""
    user = current_user._get_current_object()
    end(user)
    db.session.commit()
    security_event(event, "success", user=user.id)
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout", methods=["POST"])
@capability_required("core.use")
def logout():
    return _log_out(logins.end_session, "logout", _("You have logged out."))


@bp.route("/logout/everywhere", methods=["POST"])
@capability_required("core.use")
def logout_everywhere():
    return _log_out(logins.end_all_sessions, "logout.everywhere",
                    _("You have logged out on every device."))


@bp.route("/password", methods=["GET", "POST"])
@capability_required("core.use")
def change_password():
    form = ChangePasswordForm()
    form._email = current_user.email
    if form.validate_on_submit():
        user = current_user._get_current_object()
        verdict = throttle.check(user.email, user, form.current.data, purpose="password")
        if verdict.wait:
            db.session.commit()
            flash(_throttled(verdict), "error")
            return render_template("auth/change_password.html", form=form), 429
        if not verdict.ok:
            db.session.commit()
            form.current.errors.append(_("The current password is not right."))
        else:
            new_password(user, form.password.data)  # ends every other session
            start_session(user)
            security_event("password.changed", "success", user=user.id)
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return redirect(url_for("profile.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limits.reset
@public
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.execute(db.select(User).where(User.email == email)).scalar()
        known = user is not None and user.is_active
        security_event("reset.requested", "success" if known else "unknown",
                       user=user.id if known else None, email=email)
        if known:
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
        new_password(user, form.password.data)
        throttle.clear(user.email, everywhere=True)  # the owner lifts any lock
        start_session(user)
        security_event("reset.used", "success", user=user.id)
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
@limits.invitation
@public
def accept_invitation(token: str):
    inv = _invitation(token)
    existing = db.session.execute(db.select(User).where(User.email == inv.email)).scalar()
    if existing is not None:
        if not current_user.is_authenticated or current_user.id != existing.id:
            flash(_("You already have an account. Log in to accept the invitation."), "info")
            return redirect(url_for("auth.login", next=url_for("auth.accept_invitation",
                                                                token=token)))
        if request.method == "POST":
            from flask_wtf.csrf import validate_csrf

            validate_csrf(request.form.get("csrf_token"))
            join(existing, inv)
            db.session.commit()
            security_event("invitation.accepted", "success", user=existing.id,
                           programme=inv.programme_id, role=inv.role)
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
        start_session(user)
        security_event("invitation.accepted", "success", user=user.id,
                       programme=inv.programme_id, role=inv.role, created=1)
        flash(_("Welcome! You have joined %(p)s.", p=inv.programme.title), "success")
        return redirect(url_for("course.programme", programme_id=inv.programme_id))
    return render_template("auth/invitation.html", form=form, invitation=inv)
