"""Entrepreneurship sessions with worksheets: idea, canvas, market, budget, pitch.

The mentee fills the worksheet in, the mentor comments on it; both can print it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.worksheets.plugin import WorksheetHooks


def _load() -> tuple:
    from plugins.entrepreneurship.models import (
        EntrepreneurshipWorksheet,
        EntrepreneurshipWorksheetComment,
    )
    from plugins.entrepreneurship.schemas import SCHEMAS
    from plugins.entrepreneurship.session_types import session_types
    from plugins.entrepreneurship.views import bp

    return (EntrepreneurshipWorksheet, EntrepreneurshipWorksheetComment, SCHEMAS, bp,
            session_types(SCHEMAS))


def _demo(programme, users) -> None:  # noqa: ANN001
    from plugins.entrepreneurship.demo import build

    build(programme, users)


WorksheetHooks(
    "entrepreneurship", _load,
    {"view": _l("Open entrepreneurship worksheets of one's group"),
     "fill": _l("Fill in entrepreneurship worksheets"),
     "comment": _l("Read and comment on the mentees' entrepreneurship worksheets"),
     "link": _l("Entrepreneurship worksheets")},
    _demo,
).export(globals())
