"""Fixtures for the matching tests: profiles, offers and settings built directly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from core.extensions import db
from core.models import Activity, Programme
from plugins.matching.models import Offer, Profile, ProfileCompetence, Round
from plugins.matching.services.pairings import form_pairing, today
from plugins.matching.services.profiles import ensure_competences


class MatchingFactory:
    """Builds matching rows with sensible defaults."""

    def competences(self, programme: Programme) -> dict[str, Any]:
        rows = ensure_competences(programme)
        db.session.commit()
        return {c.name: c for c in rows}

    def profile(self, programme: Programme, user: Any, *, competences: dict | None = None,
                languages: list[str] = (), interests: list[str] = (),
                availability: list[str] = (), age: int | None = None,
                **fields: Any) -> Profile:
        """``competences`` maps a competence row to (level, seeking)."""
        profile = Profile(programme_id=programme.id, user_id=user.id, age_confirmed=age,
                          **fields)
        profile.languages = list(languages)
        profile.interests = list(interests)
        profile.availability = list(availability)
        for comp, (level, seeking) in (competences or {}).items():
            profile.competences.append(ProfileCompetence(competence_id=comp.id, level=level,
                                                         seeking=seeking))
        db.session.add(profile)
        db.session.commit()
        return profile

    def offer(self, programme: Programme, mentor: Any, topics: list[str] = ("careers",),
              capacity: int = 2, open: bool = True) -> Offer:
        offer = Offer(programme_id=programme.id, mentor_id=mentor.id, capacity=capacity,
                      open=open)
        offer.topics = list(topics)
        db.session.add(offer)
        db.session.commit()
        return offer

    def settings(self, programme: Programme, **values: Any) -> None:
        merged = dict(programme.settings or {})
        merged["matching"] = {**merged.get("matching", {}), **values}
        programme.settings = merged
        db.session.commit()


@pytest.fixture
def mx(app) -> MatchingFactory:
    return MatchingFactory()


def text(resp: Any) -> str:
    """A response body as text."""
    return resp.get_data(as_text=True)


@pytest.fixture
def pairing(world, mx):
    """Mentor A and Mentee A paired inside Group A."""
    prog = world["programme"]
    mx.offer(prog, world["mentor_a"], capacity=3)
    p = form_pairing(prog, world["mentor_a"], world["mentee_a"], world["manager"],
                     group=world["group_a"])
    db.session.commit()
    return p


def pairing_url(world, p) -> str:
    """The address of a pairing's page."""
    return f"/p/{world['programme'].id}/matching/pairings/{p.id}"


@pytest.fixture
def pair(world, make, mx):
    """A fresh mentor with an offer (no group yet) and a fresh mentee, both profiled."""
    prog = world["programme"]
    mentor = make.member(prog, "mentor", name="Mentor C", email="mentor.c@example.org")
    mentee = make.member(prog, "mentee", name="Mentee C", email="mentee.c@example.org")
    mx.profile(prog, mentor, headline="Developer")
    mx.profile(prog, mentee, headline="Student")
    mx.offer(prog, mentor, topics=["web development"], capacity=2)
    return mentor, mentee


@pytest.fixture
def round_activity(world, make, login_as):
    """A round added through the course page; its default plan starts two weeks ago."""
    prog = world["programme"]
    section = make.section(prog, "Speed mentoring")
    resp = login_as(world["manager"]).post(f"/p/{prog.id}/activities/new", data={
        "type": "matching.round", "section_id": str(section.id), "title": "Spring round",
        "group_mode": "shared", "visible": "y"})
    assert resp.status_code == 302, text(resp)[:400]
    activity = db.session.scalar(db.select(Activity).where(Activity.type == "matching.round"))
    rnd = db.session.scalar(db.select(Round).where(Round.activity_id == activity.id))
    rnd.starts_on = today() - timedelta(weeks=2)
    db.session.commit()
    return activity
