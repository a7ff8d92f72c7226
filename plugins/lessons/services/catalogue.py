"""Finding lessons: a programme's lessons by track, translated copies, keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.models import ROLES, Activity, Programme, Section
from plugins.lessons.models import TRACKS, TYPE, Chapter, Lesson

TRACK_LABELS = {
    "manager": _l("Track for managers"),
    "mentor": _l("Track for mentors"),
    "mentee": _l("Track for mentees"),
    "all": _l("For everyone"),
}


def track_label(track: str) -> str:
    """The translated name of a track."""
    return str(TRACK_LABELS.get(track, track))


def track_order(role: str | None) -> list[str]:
    """Tracks in the order a person with ``role`` sees them: their own first."""
    first = [role] if role in ROLES else []
    return first + ["all"] + [t for t in TRACKS if t not in first and t != "all"]


def slugify(text: str, fallback: str = "lesson") -> str:
    """A lower-case ASCII name made of letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def unique_key(programme_id: int, wanted: str, exclude: int | None = None) -> str:
    """``wanted`` as a lesson key, with a number added if the programme already uses it."""
    base = slugify(wanted)
    stmt = (db.select(Lesson.key).join(Activity, Activity.id == Lesson.activity_id)
            .where(Activity.programme_id == programme_id))
    if exclude is not None:
        stmt = stmt.where(Lesson.activity_id != exclude)
    taken = set(db.session.scalars(stmt))
    key, n = base, 2
    while key in taken:
        key = f"{base[:56]}-{n}"
        n += 1
    return key


def lesson_of(activity: Activity) -> Lesson:
    """The lesson row of an activity, or unsaved defaults when it has none yet."""
    row = db.session.get(Lesson, activity.id)
    if row is None:
        row = Lesson(activity_id=activity.id, key=f"lesson-{activity.id}", track="all",
                     language=activity.programme.language or "en", translation_of_id=None)
    return row


def ensure_lesson(activity: Activity) -> Lesson:
    """The lesson row of an activity, created (in the session) when missing."""
    row = db.session.get(Lesson, activity.id)
    if row is None:
        row = Lesson(activity_id=activity.id,
                     key=unique_key(activity.programme_id, activity.title),
                     track="all", language=activity.programme.language or "en")
        db.session.add(row)
    return row


def chapters_of(activity_id: int) -> list[Chapter]:
    """A lesson's chapters in order, with their pages and questions loaded."""
    return list(db.session.scalars(
        db.select(Chapter).where(Chapter.activity_id == activity_id)
        .order_by(Chapter.position, Chapter.id)
        .options(selectinload(Chapter.pages), selectinload(Chapter.questions))
    ))


@dataclass
class Item:
    """A lesson activity with its lesson row (possibly unsaved defaults)."""

    activity: Activity
    lesson: Lesson

    @property
    def family_id(self) -> int:
        return self.lesson.family_id


@dataclass
class Family:
    """An original lesson and its translated copies; ``shown`` is the copy to offer."""

    shown: Item
    copies: list[Item] = field(default_factory=list)

    @property
    def others(self) -> list[Item]:
        """The copies other than the one shown."""
        return [c for c in self.copies if c is not self.shown]


@cache
def _catalogue_statement(include_hidden: bool) -> Any:
    """The lessons of a programme with their lesson rows and the programme's language;
    built once, as building the statement costs more than running it."""
    stmt = (
        db.select(Activity, Lesson, Programme.language)
        .join(Section, Section.id == Activity.section_id)
        .join(Programme, Programme.id == Activity.programme_id)
        .outerjoin(Lesson, Lesson.activity_id == Activity.id)
        .where(Activity.programme_id.in_(bindparam("pids", expanding=True)),
               Activity.type == TYPE)
        .order_by(Section.position, Activity.position, Activity.id)
    )
    if not include_hidden:
        stmt = stmt.where(Activity.visible.is_(True), Section.visible.is_(True))
    return stmt


def catalogue(programme_id: int, include_hidden: bool = False) -> list[Item]:
    """The programme's lessons in course order (one query)."""
    return catalogues([programme_id], include_hidden)[programme_id]


def catalogues(programme_ids: Iterable[int], include_hidden: bool = False
               ) -> dict[int, list[Item]]:
    """The lessons of each programme in course order (one query for all)."""
    items: dict[int, list[Item]] = {pid: [] for pid in programme_ids}
    rows = db.session.execute(_catalogue_statement(include_hidden),
                              {"pids": list(items) or [-1]})
    for activity, lesson, language in rows:
        if lesson is None:
            lesson = Lesson(activity_id=activity.id, key=f"lesson-{activity.id}", track="all",
                            language=language or "en")
        items[activity.programme_id].append(Item(activity, lesson))
    return items


def families(items: Iterable[Item], language: str) -> list[Family]:
    """Group copies of the same lesson; show the copy in ``language`` if there is one,
    otherwise the original. A copy whose original is not listed stands alone."""
    items = list(items)
    ids = {i.activity.id for i in items}
    groups: dict[int, list[Item]] = {}
    order: list[int] = []
    for item in items:
        fid = item.family_id if item.family_id in ids else item.activity.id
        if fid not in groups:
            groups[fid] = []
            order.append(fid)
        groups[fid].append(item)
    out = []
    for fid in order:
        copies = groups[fid]
        original = next((c for c in copies if c.activity.id == fid), copies[0])
        shown = next((c for c in copies if c.lesson.language == language), original)
        out.append(Family(shown=shown, copies=copies))
    return out


def by_track(fams: Iterable[Family], role: str | None) -> list[tuple[str, list[Family]]]:
    """Families grouped by the track of the copy shown, in the order ``role`` sees them;
    tracks without lessons are left out."""
    grouped: dict[str, list[Family]] = {}
    for fam in fams:
        grouped.setdefault(fam.shown.lesson.track, []).append(fam)
    return [(t, grouped[t]) for t in track_order(role) if grouped.get(t)]


def translations_of(lesson: Lesson, include_hidden: bool = False) -> list[Any]:
    """The other copies of a lesson (its original and sibling translations) as
    (activity, lesson) pairs."""
    fid = lesson.family_id
    stmt = (
        db.select(Activity, Lesson).join(Lesson, Lesson.activity_id == Activity.id)
        .where((Lesson.activity_id == fid) | (Lesson.translation_of_id == fid),
               Lesson.activity_id != lesson.activity_id)
        .order_by(Lesson.language)
    )
    if not include_hidden:
        stmt = stmt.where(Activity.visible.is_(True))
    return [(a, ls) for a, ls in db.session.execute(stmt).all()]


def originals(activities: list[Activity]) -> set[int]:
    """The ids of those ``activities`` that are originals, not copies in another
    language: the course page lists these, the copies are reached from them."""
    ids = [a.id for a in activities]
    return set(db.session.scalars(db.select(Lesson.activity_id).where(
        Lesson.activity_id.in_(ids), Lesson.translation_of_id.is_(None))))
