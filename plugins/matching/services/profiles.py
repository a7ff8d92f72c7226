"""Who sees which profile field, the programme's competence list and the directory query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, false, or_, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from core.extensions import db
from core.models import GroupMember, Membership, MentoringGroup, User
from core.permissions import sees_all_groups
from plugins.matching.models import Competence, Profile, ProfileCompetence

DEFAULT_COMPETENCES = [
    _l("Communication"), _l("Teamwork"), _l("Problem solving"), _l("Digital skills"),
    _l("Programming"), _l("Data and analytics"), _l("Customer service"),
    _l("Sales and marketing"), _l("Project management"), _l("Entrepreneurship"),
    _l("Job search and CV"), _l("Job interviews"), _l("Foreign languages"),
    _l("Self-management and resilience"), _l("Networking"),
]
LANGUAGE_CODES = ("en", "cs", "fi", "nl", "bg", "de", "fr", "es", "it", "pl", "pt", "sv",
                  "ro", "sk", "hu", "el", "ru", "uk", "ar", "tr", "fa", "so")
AVAILABILITY = {
    "weekday_mornings": _l("Weekday mornings"),
    "weekday_afternoons": _l("Weekday afternoons"),
    "weekday_evenings": _l("Weekday evenings"),
    "weekends": _l("Weekends"),
}
LEVEL_LABELS = {1: _l("basic"), 2: _l("good"), 3: _l("advanced"), 4: _l("expert")}
VISIBILITY_LABELS = {
    "programme": _l("Everyone in the programme"),
    "group": _l("My mentoring groups and staff"),
    "staff": _l("Only the programme's managers"),
}
FIELD_LABELS = {
    "headline": _l("Headline"), "bio": _l("About me"), "photo": _l("Photo"),
    "languages": _l("Languages I speak"), "competences": _l("Competences"),
    "interests": _l("Interests"), "availability": _l("Availability"),
    "goals": _l("What I offer or seek"),
}


def language_name(code: str) -> str:
    """A language's name in the current locale."""
    try:
        return Locale.parse(str(get_locale())).languages.get(code, code)
    except (ValueError, TypeError):
        return code


def language_choices() -> list[tuple[str, str]]:
    """Language codes with their localised names, sorted by name."""
    return sorted(((c, language_name(c)) for c in LANGUAGE_CODES), key=lambda c: c[1].lower())


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their id, whether they are staff, and the people who share a
    mentoring group with them in the programme."""

    user_id: int
    staff: bool
    peers: frozenset[int]


def viewer(user: Any, programme_id: int) -> Viewer:
    """Build the viewer context with one query for the group peers."""
    staff = sees_all_groups(user, programme_id)
    mine = aliased(GroupMember)
    peers = frozenset(db.session.scalars(
        db.select(GroupMember.user_id)
        .join(mine, mine.group_id == GroupMember.group_id)
        .join(MentoringGroup, MentoringGroup.id == GroupMember.group_id)
        .where(mine.user_id == user.id, MentoringGroup.programme_id == programme_id)
    ))
    return Viewer(user.id, staff, peers)


def can_see(profile: Profile, field: str, who: Viewer) -> bool:
    """True when ``who`` may see ``field`` of ``profile``."""
    if who.staff or profile.user_id == who.user_id:
        return True
    level = profile.visibility(field)
    if level == "programme":
        return True
    return level == "group" and profile.user_id in who.peers


def visible_sql(field: str, who: Viewer) -> Any:
    """The SQL condition equivalent of ``can_see`` for filtering the directory."""
    if who.staff:
        return true()
    column = getattr(Profile, f"vis_{field}")
    conditions = [column == "programme", Profile.user_id == who.user_id]
    if who.peers:
        conditions.append(and_(column == "group", Profile.user_id.in_(who.peers)))
    return or_(*conditions)


def ensure_competences(programme: Any) -> list[Competence]:
    """The programme's competence list, created from the default set the first time
    (named in the programme's language)."""
    rows = competences(programme.id)
    if rows:
        return rows
    with force_locale(programme.language or "en"):
        names = [str(n) for n in DEFAULT_COMPETENCES]
    rows = [Competence(programme_id=programme.id, name=n, position=i)
            for i, n in enumerate(names)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


@dataclass(frozen=True)
class Slot:
    """A competence as a form shows it: a field key, its name and its row id (None
    while the programme still uses the unsaved default list)."""

    key: str
    name: str
    id: int | None


def competence_slots(programme: Any) -> list[Slot]:
    """The programme's competences for a form; the default set (not yet stored) when
    the managers have not made a list, so that showing a form changes nothing."""
    rows = competences(programme.id)
    if rows:
        return [Slot(str(c.id), c.name, c.id) for c in rows]
    with force_locale(programme.language or "en"):
        return [Slot(f"d{i}", str(n), None) for i, n in enumerate(DEFAULT_COMPETENCES)]


def slot_ids(programme: Any, slots: list[Slot]) -> dict[str, int]:
    """Map form keys to competence ids, storing the default list first if needed."""
    rows = ensure_competences(programme)
    if all(s.id is not None for s in slots):
        return {s.key: s.id for s in slots}
    return {s.key: rows[i].id for i, s in enumerate(slots) if i < len(rows)}


def competences(programme_id: int) -> list[Competence]:
    """The programme's competence list in order."""
    return list(db.session.scalars(
        db.select(Competence).where(Competence.programme_id == programme_id)
        .order_by(Competence.position, Competence.name)))


def profile_of(user_id: int, programme_id: int) -> Profile | None:
    """A member's profile in a programme, with its competences."""
    return db.session.scalar(
        db.select(Profile).where(Profile.user_id == user_id,
                                 Profile.programme_id == programme_id)
        .options(selectinload(Profile.competences).joinedload(ProfileCompetence.competence)))


def directory(programme_id: int, who: Viewer, *, role: str | None = None,
              competence_id: int | None = None, language: str | None = None,
              q: str | None = None) -> Any:
    """The select statement for the profiles of current members, filtered only on
    fields the viewer may see, with users and competences loaded eagerly."""
    stmt = (
        db.select(Profile)
        .join(User, User.id == Profile.user_id)
        .join(Membership, and_(Membership.user_id == Profile.user_id,
                               Membership.programme_id == Profile.programme_id))
        .where(Profile.programme_id == programme_id, User.erased.is_(False))
        .options(joinedload(Profile.user), joinedload(Profile.photo),
                 selectinload(Profile.competences).joinedload(ProfileCompetence.competence))
        .order_by(User.display_name, Profile.id)
    )
    if role:
        stmt = stmt.where(Membership.role == role)
    if competence_id:
        stmt = stmt.where(visible_sql("competences", who), exists().where(
            ProfileCompetence.profile_id == Profile.id,
            ProfileCompetence.competence_id == competence_id))
    if language:
        if language not in LANGUAGE_CODES:
            return stmt.where(false())
        stmt = stmt.where(visible_sql("languages", who),
                          Profile.languages_raw.like(f"%|{language}|%"))
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(
            db.func.lower(User.display_name).like(like),
            and_(visible_sql("headline", who), db.func.lower(Profile.headline).like(like)),
            and_(visible_sql("interests", who), db.func.lower(Profile.interests_raw).like(like)),
        ))
    return stmt


def roles_of(programme_id: int, user_ids: list[int]) -> dict[int, str]:
    """Programme roles of the given users, in one query."""
    if not user_ids:
        return {}
    return dict(db.session.execute(
        db.select(Membership.user_id, Membership.role).where(
            Membership.programme_id == programme_id, Membership.user_id.in_(user_ids))).all())


def split_list(text: str | None, limit: int = 20) -> list[str]:
    """Turn "a, b; c" typed by a person into a clean list without duplicates."""
    seen: dict[str, str] = {}
    for part in (text or "").replace(";", ",").split(","):
        item = " ".join(part.split())[:60]
        if item and item.casefold() not in seen:
            seen[item.casefold()] = item
    return list(seen.values())[:limit]
