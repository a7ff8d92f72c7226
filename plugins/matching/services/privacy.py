"""What the matching plugin stores about a person: export and erasure."""

from __future__ import annotations

from typing import Any

from core import storage
from core.declarations import UserData
from core.extensions import db
from core.models import StoredFile, utcnow
from plugins.matching.models import (
    OPEN_REQUEST,
    ConversationMessage,
    Offer,
    Pairing,
    PairingMessage,
    Profile,
    Request,
    RequestNote,
    RoundPost,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _profile(p: Profile) -> dict[str, Any]:
    return {
        "programme_id": p.programme_id, "headline": p.headline, "bio": p.bio_source,
        "languages": p.languages, "interests": p.interests, "availability": p.availability,
        "offer_or_seek": p.goals, "age_confirmed": p.age_confirmed,
        "age_confirmed_at": _iso(p.age_confirmed_at),
        "competences": [{"name": c.competence.name, "level": c.level, "seeking": c.seeking}
                        for c in p.competences],
        "visibility": {f: p.visibility(f) for f in ("headline", "bio", "photo", "languages",
                                                     "competences", "interests",
                                                     "availability", "goals")},
    }


def export(user: Any) -> UserData | None:
    """The person's profiles, offers, requests, pairings and everything they wrote."""
    uid = user.id
    profiles = db.session.scalars(db.select(Profile).where(Profile.user_id == uid)).all()
    offers = db.session.scalars(db.select(Offer).where(Offer.mentor_id == uid)).all()
    requests = db.session.scalars(db.select(Request).where(
        db.or_(Request.mentee_id == uid, Request.mentor_id == uid))).all()
    notes = db.session.scalars(db.select(RequestNote).where(RequestNote.author_id == uid)).all()
    pairings = db.session.scalars(db.select(Pairing).where(
        db.or_(Pairing.mentee_id == uid, Pairing.mentor_id == uid))).all()
    messages = db.session.scalars(db.select(PairingMessage).where(
        PairingMessage.author_id == uid)).all()
    posts = db.session.scalars(db.select(RoundPost).where(RoundPost.author_id == uid)).all()
    said = db.session.scalars(db.select(ConversationMessage).where(
        ConversationMessage.author_id == uid)).all()
    if not any((profiles, offers, requests, pairings, messages, posts, said)):
        return None
    files = db.session.scalars(db.select(StoredFile).where(
        StoredFile.plugin == "matching", StoredFile.uploaded_by_id == uid)).all()
    return UserData(plugin="matching", records={
        "profiles": [_profile(p) for p in profiles],
        "offers": [{"programme_id": o.programme_id, "topics": o.topics, "capacity": o.capacity,
                    "open": o.open, "note": o.note} for o in offers],
        "requests": [{"id": r.id, "programme_id": r.programme_id,
                      "as": "mentee" if r.mentee_id == uid else "mentor",
                      "motivation": r.motivation if r.mentee_id == uid else None,
                      "status": r.status, "at": _iso(r.created_at)} for r in requests],
        "request_notes": [{"request_id": n.request_id, "kind": n.kind, "body": n.body,
                           "at": _iso(n.created_at)} for n in notes],
        "pairings": [{"id": p.id, "programme_id": p.programme_id,
                      "as": "mentee" if p.mentee_id == uid else "mentor", "status": p.status,
                      "starts_on": _iso(p.starts_on), "ends_on": _iso(p.ends_on)}
                     for p in pairings],
        "pairing_messages": [{"pairing_id": m.pairing_id, "body": m.body_source,
                              "at": _iso(m.created_at)} for m in messages],
        "round_posts": [{"round_id": p.round_id, "body": p.body_source,
                         "at": _iso(p.created_at)} for p in posts],
        "conversation_messages": [{"conversation_id": m.conversation_id,
                                   "body": m.body_source, "at": _iso(m.created_at)}
                                  for m in said],
    }, files=files)


def erase(user: Any) -> None:
    """Remove the profile (with its photo), offers, open requests and motivations; end
    running pairings. What the other side still needs (decided requests, pairings,
    messages, posts, conversations) stays and shows "deleted user" as its author."""
    uid = user.id
    for profile in db.session.scalars(db.select(Profile).where(Profile.user_id == uid)).all():
        photo = profile.photo
        db.session.delete(profile)
        if photo is not None:
            db.session.flush()
            storage.delete(photo)
    db.session.execute(db.delete(Offer).where(Offer.mentor_id == uid))
    for req in db.session.scalars(db.select(Request).where(
            db.or_(Request.mentee_id == uid, Request.mentor_id == uid),
            Request.status.in_(OPEN_REQUEST))).all():
        db.session.delete(req)
    db.session.execute(db.update(Request).where(Request.mentee_id == uid)
                       .values(motivation=""))
    db.session.execute(db.update(Pairing).where(
        Pairing.status.in_(("active", "extended")),
        db.or_(Pairing.mentee_id == uid, Pairing.mentor_id == uid))
        .values(status="closed", ended_at=utcnow()))
