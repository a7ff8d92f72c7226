"""Explainable suggestions: mentors ranked for a mentee by what they share, every point
of the score traceable to one visible item. No hidden factors: a suggestion's score is
the sum of the weights of its parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.models import Membership, Programme, User
from plugins.matching.models import Offer, Pairing, Profile, ProfileCompetence
from plugins.matching.services.pairings import running_filter
from plugins.matching.services.profiles import Viewer, can_see
from plugins.matching.services.requests import age_ok, available_offers

WEIGHTS = {"competence": 3, "topic": 2, "language": 1, "availability": 1}
KIND_LABELS = {
    "competence": _l("Competence sought and offered"),
    "topic": _l("Interest matching one of the mentor's topics"),
    "language": _l("Shared language"),
    "availability": _l("Shared availability"),
}


@dataclass(frozen=True)
class Facts:
    """What matching looks at of one person (only what the viewer may see)."""

    user_id: int
    seeks: dict[int, str] = field(default_factory=dict)
    offers: dict[int, tuple[str, int]] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Part:
    """One reason in a suggestion: its kind, the matching item and its weight."""

    kind: str
    item: str
    weight: int
    level: int | None = None


@dataclass
class Suggestion:
    """A mentor proposed for a mentee, with the reasons and the mentor's room."""

    mentor: Any
    offer: Offer
    load: int
    parts: list[Part]

    @property
    def score(self) -> int:
        """The sum of the weights of the visible parts, nothing else."""
        return sum(p.weight for p in self.parts)


def _keyed(items: list[str]) -> dict[str, str]:
    return {" ".join(i.split()).casefold(): i for i in items if i.strip()}


def facts_of(profile: Profile | None, user_id: int, *, offer: Offer | None = None,
             who: Viewer | None = None) -> Facts:
    """Matching facts from a profile (and a mentor's offer), keeping only the fields
    ``who`` may see; ``who`` None means everything (the person themselves or staff)."""
    if profile is None:
        return Facts(user_id, topics=_keyed(offer.topics) if offer else {})

    def see(name: str) -> bool:
        return who is None or can_see(profile, name, who)

    comps = profile.competences if see("competences") else []
    topics = offer.topics if offer is not None else (profile.interests if see("interests")
                                                     else [])
    return Facts(
        user_id=user_id,
        seeks={c.competence_id: c.competence.name for c in comps if c.seeking},
        offers={c.competence_id: (c.competence.name, c.level) for c in comps if not c.seeking},
        topics=_keyed(topics),
        languages=frozenset(profile.languages if see("languages") else ()),
        availability=frozenset(profile.availability if see("availability") else ()),
    )


def explain(mentee: Facts, mentor: Facts) -> list[Part]:
    """The parts shared by a mentee and a mentor, in a stable order."""
    parts = [Part("competence", mentor.offers[cid][0], WEIGHTS["competence"],
                  mentor.offers[cid][1])
             for cid in sorted(set(mentee.seeks) & set(mentor.offers),
                               key=lambda c: mentor.offers[c][0].casefold())]
    parts += [Part("topic", mentor.topics[key], WEIGHTS["topic"])
              for key in sorted(set(mentee.topics) & set(mentor.topics))]
    parts += [Part("language", code, WEIGHTS["language"])
              for code in sorted(mentee.languages & mentor.languages)]
    parts += [Part("availability", slot, WEIGHTS["availability"])
              for slot in sorted(mentee.availability & mentor.availability)]
    return parts


def rank(mentee: Facts, candidates: list[tuple[Facts, Any, Offer, int]]) -> list[Suggestion]:
    """Suggestions for every candidate (facts, mentor, offer, load), best first; ties
    go to the mentor with more room, then by name."""
    out = [Suggestion(mentor, offer, load, explain(mentee, facts))
           for facts, mentor, offer, load in candidates if facts.user_id != mentee.user_id]
    out.sort(key=lambda s: (-s.score, s.load - s.offer.capacity, s.mentor.name.casefold()))
    return out


def _profiles(programme_id: int, user_ids: list[int]) -> dict[int, Profile]:
    if not user_ids:
        return {}
    rows = db.session.scalars(
        db.select(Profile).where(Profile.programme_id == programme_id,
                                 Profile.user_id.in_(user_ids))
        .options(selectinload(Profile.competences).joinedload(ProfileCompetence.competence)))
    return {p.user_id: p for p in rows}


def candidates(programme_id: int, who: Viewer | None) -> list[tuple[Facts, Any, Offer, int]]:
    """Mentors with an open offer and room left, as facts visible to ``who``."""
    offers = available_offers(programme_id)
    profiles = _profiles(programme_id, [o.mentor_id for o, _n in offers])
    return [(facts_of(profiles.get(o.mentor_id), o.mentor_id, offer=o, who=who), o.mentor, o,
             load) for o, load in offers]


def for_mentee(programme_id: int, mentee: User, who: Viewer) -> list[Suggestion]:
    """Ranked mentors for one mentee, explained with what the mentee may see."""
    profile = _profiles(programme_id, [mentee.id]).get(mentee.id)
    return rank(facts_of(profile, mentee.id), candidates(programme_id, who))


@dataclass
class Proposal:
    """A cohort row: a mentee, their best suggestions and the pair proposed for them."""

    mentee: Any
    profile: Profile | None
    suggestions: list[Suggestion]
    proposed: Suggestion | None = None
    blocked: str | None = None


def cohort(programme: Programme, top: int = 3) -> list[Proposal]:
    """Proposals for every mentee without a running pairing: each mentor is proposed
    at most as often as their room allows, best scores first."""
    paired = set(db.session.scalars(db.select(Pairing.mentee_id).where(
        Pairing.programme_id == programme.id, running_filter())))
    mentees = [u for u in db.session.scalars(
        db.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == programme.id, Membership.role == "mentee",
               User.erased.is_(False), User.active.is_(True))
        .order_by(User.display_name)) if u.id not in paired]
    profiles = _profiles(programme.id, [u.id for u in mentees])
    pool = candidates(programme.id, None)
    rows = []
    for mentee in mentees:
        profile = profiles.get(mentee.id)
        row = Proposal(mentee, profile, [])
        if profile is None:
            row.blocked = str(_l("No profile yet"))
        elif not age_ok(profile, programme.id):
            row.blocked = str(_l("Minimum age not confirmed"))
        else:
            row.suggestions = rank(facts_of(profile, mentee.id), pool)
        rows.append(row)
    room = {o.mentor_id: o.capacity - load for _f, _m, o, load in pool}
    ranked = sorted(((s.score, row.mentee.display_name.casefold(), i, s)
                     for i, row in enumerate(rows) for s in row.suggestions if s.score > 0),
                    key=lambda t: (-t[0], t[1]))
    for _score, _name, i, suggestion in ranked:
        row = rows[i]
        if row.proposed is None and room.get(suggestion.offer.mentor_id, 0) > 0:
            row.proposed = suggestion
            room[suggestion.offer.mentor_id] -= 1
    for row in rows:
        row.suggestions = row.suggestions[:top]
    return rows

