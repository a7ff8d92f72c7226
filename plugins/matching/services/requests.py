"""Mentor offers and mentee requests: the rules (capacity, minimum age, one open request
per mentor) and the state changes, each recorded as an event."""

from __future__ import annotations

from flask_babel import gettext as _

from core.events import emit
from core.extensions import db
from core.models import Membership, MentoringGroup, Programme, User
from core.models.base import utcnow
from core.plugins import setting
from plugins.matching.models import OPEN_REQUEST, Offer, Pairing, Profile, Request, RequestNote
from plugins.matching.services.pairings import (
    form_pairing,
    loads,
    mentor_groups,
    running_filter,
)


class MatchingError(Exception):
    """A refused step; ``str(err)`` is a translated message for the person."""


def min_age(programme_id: int) -> int:
    """The programme's minimum age for offering or asking for mentoring (0: none)."""
    return max(0, int(setting(programme_id, "matching", "min_age") or 0))


def age_ok(profile: Profile | None, programme_id: int) -> bool:
    """True when the programme sets no minimum age or the person confirmed reaching it."""
    needed = min_age(programme_id)
    if needed <= 0:
        return True
    return profile is not None and (profile.age_confirmed or 0) >= needed


def _profile(user_id: int, programme_id: int) -> Profile | None:
    return db.session.scalar(db.select(Profile).where(
        Profile.user_id == user_id, Profile.programme_id == programme_id))


def offer_of(mentor_id: int, programme_id: int) -> Offer | None:
    """A mentor's offer in a programme."""
    return db.session.scalar(db.select(Offer).where(
        Offer.mentor_id == mentor_id, Offer.programme_id == programme_id))


def role(user_id: int, programme_id: int) -> str | None:
    """A user's role in the programme."""
    return db.session.scalar(db.select(Membership.role).where(
        Membership.user_id == user_id, Membership.programme_id == programme_id))


def available_offers(programme_id: int) -> list[tuple[Offer, int]]:
    """Open offers of current mentors who still have room, with their current load;
    mentors who have not confirmed the minimum age are left out."""
    offers = db.session.scalars(
        db.select(Offer).join(Membership, db.and_(Membership.user_id == Offer.mentor_id,
                                                  Membership.programme_id == Offer.programme_id))
        .join(User, User.id == Offer.mentor_id)
        .where(Offer.programme_id == programme_id, Offer.open.is_(True),
               Membership.role == "mentor", User.erased.is_(False), User.active.is_(True))
        .options(db.joinedload(Offer.mentor)).order_by(User.display_name)).all()
    counts = loads(programme_id, [o.mentor_id for o in offers])
    needed = min_age(programme_id)
    confirmed: dict[int, int] = {}
    if needed:
        confirmed = dict(db.session.execute(
            db.select(Profile.user_id, Profile.age_confirmed).where(
                Profile.programme_id == programme_id,
                Profile.user_id.in_([o.mentor_id for o in offers] or [-1]))).all())
    return [(o, counts.get(o.mentor_id, 0)) for o in offers
            if counts.get(o.mentor_id, 0) < o.capacity
            and (not needed or (confirmed.get(o.mentor_id) or 0) >= needed)]


def _open_between(programme_id: int, mentee_id: int, mentor_id: int) -> bool:
    return db.session.scalar(db.select(db.func.count(Request.id)).where(
        Request.programme_id == programme_id, Request.mentee_id == mentee_id,
        Request.mentor_id == mentor_id, Request.status.in_(OPEN_REQUEST))) > 0


def _paired(programme_id: int, mentee_id: int, mentor_id: int) -> bool:
    return db.session.scalar(db.select(db.func.count(Pairing.id)).where(
        Pairing.programme_id == programme_id, Pairing.mentee_id == mentee_id,
        Pairing.mentor_id == mentor_id, running_filter())) > 0


def check_pair(programme_id: int, mentee: User, mentor: User, *, offer: Offer | None) -> None:
    """Raise ``MatchingError`` unless ``mentee`` may be paired with ``mentor`` now."""
    if role(mentee.id, programme_id) != "mentee" or role(mentor.id, programme_id) != "mentor":
        raise MatchingError(_("Only a mentee and a mentor of this programme can be paired."))
    if offer is None or not offer.open:
        raise MatchingError(_("This mentor is not taking new mentees at the moment."))
    if not age_ok(_profile(mentee.id, programme_id), programme_id):
        raise MatchingError(_("The mentee has not confirmed being at least %(age)s years "
                              "old.", age=min_age(programme_id)))
    if not age_ok(_profile(mentor.id, programme_id), programme_id):
        raise MatchingError(_("The mentor has not confirmed being at least %(age)s years "
                              "old.", age=min_age(programme_id)))
    if _paired(programme_id, mentee.id, mentor.id):
        raise MatchingError(_("These two are already paired."))


def _claim_room(offer: Offer) -> None:
    """Lock the mentor's offer row, then check the room left: two acceptances at once
    cannot both take the last place. On refusal the only change made is the harmless
    counter bump, so the caller need not roll back."""
    db.session.execute(db.update(Offer).where(Offer.id == offer.id)
                       .values(claims=Offer.claims + 1))
    taken = loads(offer.programme_id, [offer.mentor_id]).get(offer.mentor_id, 0)
    if taken >= offer.capacity:
        raise MatchingError(_("The mentor has no room left: %(n)s of %(n)s places are taken.",
                              n=offer.capacity))


def _private(name: str, actor: User, req: Request) -> None:
    """Record a request event without a programme or group: the core lists those in
    every member's "what is new", and a request concerns only its two people."""
    emit(name, actor=actor, obj=req, data={"programme_id": req.programme_id})


def send(programme: Programme, mentee: User, mentor: User, motivation: str) -> Request:
    """Create a request from ``mentee`` to ``mentor`` after checking the rules."""
    offer = offer_of(mentor.id, programme.id)
    check_pair(programme.id, mentee, mentor, offer=offer)
    if _open_between(programme.id, mentee.id, mentor.id):
        raise MatchingError(_("You already have an open request to this mentor."))
    if loads(programme.id, [mentor.id]).get(mentor.id, 0) >= offer.capacity:
        raise MatchingError(_("This mentor has no room for new mentees at the moment."))
    req = Request(programme_id=programme.id, mentee_id=mentee.id, mentor_id=mentor.id,
                  motivation=motivation.strip(), status="pending")
    db.session.add(req)
    db.session.flush()
    _private("mentorship_requested", mentee, req)
    return req


def _note(req: Request, author: User, kind: str, body: str) -> RequestNote:
    note = RequestNote(request_id=req.id, author_id=author.id, kind=kind, body=body.strip())
    db.session.add(note)
    return note


def ask(req: Request, mentor: User, question: str) -> None:
    """The mentor asks the mentee a question before deciding."""
    if not req.is_open:
        raise MatchingError(_("This request has already been answered."))
    _note(req, mentor, "question", question)
    req.status = "question"
    _private("mentorship_question", mentor, req)


def answer(req: Request, mentee: User, text: str) -> None:
    """The mentee answers the mentor's question; the request waits for a decision again."""
    if req.status != "question":
        raise MatchingError(_("There is no question waiting for an answer."))
    _note(req, mentee, "answer", text)
    req.status = "pending"
    _private("mentorship_answered", mentee, req)


def decline(req: Request, mentor: User, message: str) -> None:
    """The mentor declines, with a message for the mentee."""
    if not req.is_open:
        raise MatchingError(_("This request has already been answered."))
    _note(req, mentor, "decline", message)
    req.status = "declined"
    req.decided_at = utcnow()
    _private("mentorship_declined", mentor, req)


def withdraw(req: Request, mentee: User) -> None:
    """The mentee takes back an open request."""
    if not req.is_open:
        raise MatchingError(_("This request has already been answered."))
    req.status = "withdrawn"
    req.decided_at = utcnow()
    _private("mentorship_withdrawn", mentee, req)


def pair(programme: Programme, mentee: User, mentor: User, actor: User, *,
         group: MentoringGroup | None = None, request: Request | None = None) -> Pairing:
    """Check the rules and the mentor's room, then form the pairing (not committed)."""
    offer = offer_of(mentor.id, programme.id)
    check_pair(programme.id, mentee, mentor, offer=offer)
    if group is not None and (group.programme_id != programme.id
                              or group not in mentor_groups(programme.id, mentor.id)):
        raise MatchingError(_("Choose one of the mentor's own groups."))
    _claim_room(offer)
    return form_pairing(programme, mentor, mentee, actor, group=group, request=request)


def accept(req: Request, mentor: User, group: MentoringGroup | None) -> Pairing:
    """The mentor accepts: the pair joins ``group`` (one of the mentor's) or a new one."""
    if not req.is_open:
        raise MatchingError(_("This request has already been answered."))
    programme = db.session.get(Programme, req.programme_id)
    pairing = pair(programme, req.mentee, req.mentor, mentor, group=group, request=req)
    req.status = "accepted"
    req.decided_at = utcnow()
    _private("mentorship_accepted", mentor, req)
    return pairing
