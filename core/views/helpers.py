"""Small helpers shared by the core's views."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func

from core.extensions import db


def get_or_404(model: type, ident: Any) -> Any:
    """Load a row by primary key or answer 404."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def page_number() -> int:
    """The ``page`` query argument, at least 1."""
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


class _CountedPagination(SelectPagination):
    """Reads the total with the page's rows (``count(*) OVER ()``), in one statement;
    a page past the end falls back to counting on its own."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].add_columns(func.count().over())
        select = select.limit(self.per_page).offset(self._query_offset)
        rows = self._query_args["session"].execute(select).all()
        self._counted = rows[0][-1] if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        return super()._query_count()


def paginate(select: Any, per_page: int | None = None, *, count_with_items: bool = False) -> Any:
    """Paginate a select statement by the ``page`` query argument.

    ``count_with_items`` reads the total in the same statement as the page's rows (a
    window function); only for a select of one column or entity without DISTINCT,
    GROUP BY or joined eager loads.
    """
    per_page = per_page or current_app.config["PAGE_SIZE"]
    if count_with_items:
        return _CountedPagination(select=select, session=db.session, page=page_number(),
                                  per_page=per_page, max_per_page=None, error_out=False)
    return db.paginate(select, page=page_number(), per_page=per_page, error_out=False)


def renumber(rows: list[Any]) -> None:
    """Give ordered rows consecutive positions."""
    for i, row in enumerate(rows):
        row.position = i


def move(rows: list[Any], obj: Any, direction: str) -> None:
    """Move ``obj`` one place up or down within ``rows`` and renumber them."""
    rows = list(rows)
    i = rows.index(obj)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    renumber(rows)
