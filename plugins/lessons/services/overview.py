"""A person's view of a programme's training course: tracks in their order, each
lesson shown in their language, with their progress."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import get_locale

from core.permissions import role_in
from plugins.lessons.services import catalogue, progress
from plugins.lessons.services.catalogue import Family


def best(fam: Family, figs: dict[int, progress.Figures]) -> progress.Figures:
    """A person's figures for a lesson: those of the copy (language) they did most of."""
    found = [figs.get(c.activity.id, progress.Figures()) for c in fam.copies]
    return max(found, key=lambda f: (f.done, -f.total))


def course_view(programme: Any, user: Any, include_hidden: bool) -> dict[str, Any]:
    """The tracks of a programme in the order ``user`` sees them, with their figures:
    ``{"tracks": [(track, [(family, figures)], track_figures)], "empty": bool}``.
    Costs a fixed number of queries."""
    return course_views([programme], user, include_hidden)[programme.id]


def course_views(programmes: list[Any], user: Any, include_hidden: bool
                 ) -> dict[int, dict[str, Any]]:
    """``course_view`` of each programme, with the same number of queries for all."""
    ids = [p.id for p in programmes]
    items = catalogue.catalogues(ids, include_hidden)
    prefetch_figures(ids, user)
    return {p.id: _view(p, user, items[p.id]) for p in programmes}


def _view(programme: Any, user: Any, items: list[catalogue.Item]) -> dict[str, Any]:
    fams = catalogue.families(items, str(get_locale()))
    figs = lesson_figures(programme.id, user)
    tracks = []
    for track, members in catalogue.by_track(fams, role_in(user, programme.id)):
        rows = [(fam, best(fam, figs)) for fam in members]
        total = sum((f for _fam, f in rows), progress.Figures())
        tracks.append((track, rows, total))
    return {"tracks": tracks, "empty": not items}


def lesson_figures(programme_id: int, user: Any) -> dict[int, progress.Figures]:
    """The user's figures for every lesson of a programme (hidden ones included), in
    one query per request; lessons without chapters are missing."""
    prefetch_figures([programme_id], user)
    return g._lessons_figures[(programme_id, user.id)]


def prefetch_figures(programme_ids: list[int], user: Any) -> None:
    """Read the user's figures of the programmes not yet read in this request, all in
    one query (see ``lesson_figures``)."""
    cache = g.setdefault("_lessons_figures", {})
    missing = [pid for pid in programme_ids if (pid, user.id) not in cache]
    if not missing:
        return
    for pid, figs in progress.person_figures(missing, user.id).items():
        cache[(pid, user.id)] = figs
