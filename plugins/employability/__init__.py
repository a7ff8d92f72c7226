"""Employability sessions with worksheets: skills, CV, job search, interviews, rights.

The mentee fills the worksheet in, the mentor comments on it; both can print it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.worksheets.plugin import WorksheetHooks


def _load() -> tuple:
    from plugins.employability.models import (
        EmployabilityWorksheet,
        EmployabilityWorksheetComment,
    )
    from plugins.employability.schemas import SCHEMAS
    from plugins.employability.session_types import session_types
    from plugins.employability.views import bp

    return (EmployabilityWorksheet, EmployabilityWorksheetComment, SCHEMAS, bp,
            session_types(SCHEMAS))


def _demo(programme, users) -> None:  # noqa: ANN001
    from plugins.employability.demo import build

    build(programme, users)


WorksheetHooks(
    "employability", _load,
    {"view": _l("Open employability worksheets of one's group"),
     "fill": _l("Fill in employability worksheets"),
     "comment": _l("Read and comment on the mentees' employability worksheets"),
     "link": _l("Employability worksheets")},
    _demo,
).export(globals())
