"""The matching hub, mentor offers, suggestions for a mentee and mentorship requests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from core import concurrency
from core.extensions import db
from core.permissions import can, capability_required
from core.views.forms import ConfirmForm
from core.views.helpers import paginate
from plugins.matching.forms import AcceptForm, NoteForm, OfferForm, RequestForm
from plugins.matching.models import OPEN_REQUEST, Offer, Pairing, Request, RequestNote
from plugins.matching.services import requests as rules
from plugins.matching.services.pairings import default_group, loads, mentor_groups
from plugins.matching.services.profiles import profile_of, split_list
from plugins.matching.services.requests import MatchingError
from plugins.matching.services.suggest import KIND_LABELS, WEIGHTS, for_mentee
from plugins.matching.views.common import bp, current, me, member_or_404, my_role, programme_or_404


@bp.route("/p/<int:programme_id>/matching")
@capability_required("matching.follow")
def index(programme_id: int):
    """The matching hub: profile, offer or suggestions, requests and pairings."""
    programme = programme_or_404(programme_id)
    user = current()
    role = my_role(programme_id)
    open_requests = db.session.scalars(
        db.select(Request).where(Request.programme_id == programme_id,
                                 Request.status.in_(OPEN_REQUEST),
                                 db.or_(Request.mentee_id == user.id,
                                        Request.mentor_id == user.id))
        .options(joinedload(Request.mentee), joinedload(Request.mentor))
        .order_by(Request.id.desc()).limit(20)).all()
    pairings = db.session.scalars(
        db.select(Pairing).where(Pairing.programme_id == programme_id,
                                 db.or_(Pairing.mentee_id == user.id,
                                        Pairing.mentor_id == user.id))
        .options(joinedload(Pairing.mentee), joinedload(Pairing.mentor))
        .order_by(Pairing.id.desc()).limit(20)).all()
    offer = rules.offer_of(user.id, programme_id) if role == "mentor" else None
    load = loads(programme_id, [user.id]).get(user.id, 0) if offer else 0
    profile = profile_of(user.id, programme_id)
    return render_template(
        "matching/index.html", programme=programme, role=role, open_requests=open_requests,
        pairings=pairings, offer=offer, load=load, profile=profile,
        age_ok=rules.age_ok(profile, programme_id), min_age=rules.min_age(programme_id),
        manage=can(user, "matching.manage", programme_id),
    )


@bp.route("/p/<int:programme_id>/matching/offer", methods=["GET", "POST"])
@capability_required("matching.offer")
def offer_edit(programme_id: int):
    """A mentor's topics, capacity and availability for new mentees."""
    programme = programme_or_404(programme_id)
    user = current()
    offer = rules.offer_of(user.id, programme_id)
    form = OfferForm(obj=offer)
    if offer is not None and not form.is_submitted():
        form.topics.data = ", ".join(offer.topics)
    concurrency.loaded_version(form, offer, OFFER_FIELDS)
    conflict = None
    if form.validate_on_submit():
        topics = split_list(form.topics.data, limit=30)
        if not topics:
            form.topics.errors.append(_("Name at least one topic."))
        else:
            def apply() -> None:
                row = offer
                if row is None:
                    row = Offer(programme_id=programme_id, mentor_id=user.id)
                    db.session.add(row)
                row.topics = topics
                row.capacity = form.capacity.data
                row.open = form.open.data
                row.note = (form.note.data or "").strip()

            conflict = concurrency.save(
                offer, form, apply, OFFER_COMPARED, races=(IntegrityError,),
                reload=lambda: rules.offer_of(user.id, programme_id), fields=OFFER_FIELDS)
            if conflict is None:
                flash(_("Your offer is saved."), "success")
                return redirect(url_for(".index", programme_id=programme_id))
            offer = rules.offer_of(user.id, programme_id)
    profile = profile_of(user.id, programme_id)
    return render_template(
        "matching/offer_form.html", programme=programme, form=form, offer=offer,
        load=loads(programme_id, [user.id]).get(user.id, 0), conflict=conflict,
        age_ok=rules.age_ok(profile, programme_id), min_age=rules.min_age(programme_id)
    ), concurrency.status(conflict)


# accepted requests change the offer row (``claims``): the form is versioned by these
OFFER_FIELDS = ("topics_raw", "capacity", "open", "note")
OFFER_COMPARED = {"topics": lambda o: ", ".join(o.topics), "capacity": "capacity",
                  "open": "open", "note": "note"}


@bp.route("/p/<int:programme_id>/matching/mentors")
@capability_required("matching.request")
def find(programme_id: int):
    """Mentors with free places ranked for the mentee, with the reasons."""
    programme = programme_or_404(programme_id)
    user = current()
    profile = profile_of(user.id, programme_id)
    suggestions = for_mentee(programme_id, user, me(programme_id))
    waiting = set(db.session.scalars(db.select(Request.mentor_id).where(
        Request.programme_id == programme_id, Request.mentee_id == user.id,
        Request.status.in_(OPEN_REQUEST))))
    return render_template(
        "matching/find.html", programme=programme, suggestions=suggestions, waiting=waiting,
        profile=profile, age_ok=rules.age_ok(profile, programme_id),
        min_age=rules.min_age(programme_id), kinds=KIND_LABELS, weights=WEIGHTS)


@bp.route("/p/<int:programme_id>/matching/mentors/<int:mentor_id>/request",
          methods=["GET", "POST"])
@capability_required("matching.request")
def request_new(programme_id: int, mentor_id: int):
    """A mentee asks a mentor, with a short motivation."""
    programme = programme_or_404(programme_id)
    mentor, role = member_or_404(programme_id, mentor_id)
    if role != "mentor":
        abort(404)
    offer = rules.offer_of(mentor.id, programme_id)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            req = rules.send(programme, current(), mentor, form.motivation.data)
        except MatchingError as err:
            db.session.rollback()
            form.motivation.errors.append(str(err))
        else:
            db.session.commit()
            flash(_("Your request is sent. %(name)s will answer soon.", name=mentor.name),
                  "success")
            return redirect(url_for(".request_view", programme_id=programme_id,
                                    request_id=req.id))
    return render_template("matching/request_form.html", programme=programme, mentor=mentor,
                           offer=offer, form=form)


@bp.route("/p/<int:programme_id>/matching/requests")
@capability_required("matching.follow")
def requests_list(programme_id: int):
    """The user's requests (every request for managers)."""
    programme = programme_or_404(programme_id)
    user = current()
    stmt = (db.select(Request).where(Request.programme_id == programme_id)
            .options(joinedload(Request.mentee), joinedload(Request.mentor))
            .order_by(Request.id.desc()))
    if not can(user, "matching.manage", programme_id):
        stmt = stmt.where(db.or_(Request.mentee_id == user.id, Request.mentor_id == user.id))
    return render_template("matching/requests.html", programme=programme,
                           page=paginate(stmt), user=user)


def _request(programme_id: int, request_id: int) -> Request:
    """A request the current user may see: its mentee, its mentor or a manager."""
    req = db.session.scalar(
        db.select(Request).where(Request.id == request_id,
                                 Request.programme_id == programme_id)
        .options(joinedload(Request.mentee), joinedload(Request.mentor),
                 selectinload(Request.notes).joinedload(RequestNote.author)))
    user = current()
    if req is None or (user.id not in (req.mentee_id, req.mentor_id)
                       and not can(user, "matching.manage", programme_id)):
        abort(404)
    return req


def _accept_form(req: Request) -> AcceptForm:
    form = AcceptForm()
    groups = mentor_groups(req.programme_id, req.mentor_id)
    form.group_id.choices = [(0, _("A new group"))] + [(g.id, g.name) for g in groups]
    if not form.is_submitted():
        chosen = default_group(req.programme_id, req.mentor_id)
        form.group_id.data = chosen.id if chosen else 0
    return form


def _show(req: Request, **forms):
    user = current()
    pairing = db.session.scalar(db.select(Pairing).where(Pairing.request_id == req.id))
    context = {
        "accept_form": _accept_form(req), "decline_form": NoteForm(prefix="decline"),
        "ask_form": NoteForm(prefix="ask"), "answer_form": NoteForm(prefix="answer"),
        "confirm": ConfirmForm(), "refused": None,
    }
    context.update(forms)
    return render_template(
        "matching/request.html", programme=programme_or_404(req.programme_id), req=req,
        is_mentor=user.id == req.mentor_id, is_mentee=user.id == req.mentee_id,
        pairing=pairing, **context)


@bp.route("/p/<int:programme_id>/matching/requests/<int:request_id>")
@capability_required("matching.follow")
def request_view(programme_id: int, request_id: int):
    """One request with its messages and the actions open to the user."""
    return _show(_request(programme_id, request_id))


def _mentor_request(programme_id: int, request_id: int) -> Request:
    req = _request(programme_id, request_id)
    if req.mentor_id != current().id:
        abort(404)
    return req


def _mentee_request(programme_id: int, request_id: int) -> Request:
    req = _request(programme_id, request_id)
    if req.mentee_id != current().id:
        abort(404)
    return req


def _done(req: Request, message: str):
    flash(message, "success")
    return redirect(url_for(".request_view", programme_id=req.programme_id, request_id=req.id))


def _refused(req: Request, err: MatchingError):
    db.session.rollback()
    flash(str(err), "error")
    return redirect(url_for(".request_view", programme_id=req.programme_id, request_id=req.id))


@bp.route("/p/<int:programme_id>/matching/requests/<int:request_id>/accept",
          methods=["POST"])
@capability_required("matching.offer")
def request_accept(programme_id: int, request_id: int):
    """The mentor accepts: the pair joins a group and starts."""
    req = _mentor_request(programme_id, request_id)
    form = _accept_form(req)
    if not form.validate_on_submit():
        return _show(req, accept_form=form), 400
    group = None
    if form.group_id.data:
        group = next(g for g in mentor_groups(programme_id, req.mentor_id)
                     if g.id == form.group_id.data)
    try:
        concurrency.lock(req)
        pairing = rules.accept(req, current(), group)
    except MatchingError as err:
        return _refused(req, err)
    db.session.commit()
    flash(_("You now mentor %(name)s.", name=req.mentee.name), "success")
    return redirect(url_for(".pairing_view", programme_id=programme_id, pairing_id=pairing.id))


def _note_action(programme_id: int, request_id: int, who: str, prefix: str, action, ok: str):
    req = (_mentor_request if who == "mentor" else _mentee_request)(programme_id, request_id)
    form = NoteForm(prefix=prefix)
    if not form.validate_on_submit():
        return _show(req, **{f"{prefix}_form": form}), 400
    try:
        concurrency.lock(req)  # a decision in another tab waits, then is seen
        action(req, current(), form.body.data)
    except MatchingError as err:
        # answered meanwhile (another tab): the text stays in its form, not sent
        db.session.rollback()
        form.body.errors.append(str(err))
        return _show(req, refused=prefix, **{f"{prefix}_form": form}), \
            concurrency.CONFLICT_STATUS
    db.session.commit()
    return _done(req, ok)


@bp.route("/p/<int:programme_id>/matching/requests/<int:request_id>/decline",
          methods=["POST"])
@capability_required("matching.offer")
def request_decline(programme_id: int, request_id: int):
    """The mentor declines with a message for the mentee."""
    return _note_action(programme_id, request_id, "mentor", "decline", rules.decline,
                        _("The request is declined; the mentee gets your message."))


@bp.route("/p/<int:programme_id>/matching/requests/<int:request_id>/ask", methods=["POST"])
@capability_required("matching.offer")
def request_ask(programme_id: int, request_id: int):
    """The mentor asks a question before deciding."""
    return _note_action(programme_id, request_id, "mentor", "ask", rules.ask,
                        _("Your question is sent."))


@bp.route("/p/<int:programme_id>/matching/requests/<int:request_id>/answer",
          methods=["POST"])
@capability_required("matching.request")
def request_answer(programme_id: int, request_id: int):
    """The mentee answers the mentor's question."""
    return _note_action(programme_id, request_id, "mentee", "answer", rules.answer,
                        _("Your answer is sent."))


@bp.route("/p/<int:programme_id>/matching/requests/<int:request_id>/withdraw",
          methods=["GET", "POST"])
@capability_required("matching.request")
def request_withdraw(programme_id: int, request_id: int):
    """The mentee withdraws an open request after confirmation."""
    req = _mentee_request(programme_id, request_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            concurrency.lock(req)
            rules.withdraw(req, current())
        except MatchingError as err:
            return _refused(req, err)
        db.session.commit()
        return _done(req, _("Your request is withdrawn."))
    return render_template(
        "confirm.html", form=form, question=_("Withdraw your request to %(name)s?",
                                              name=req.mentor.name),
        cancel=url_for(".request_view", programme_id=programme_id, request_id=req.id))
