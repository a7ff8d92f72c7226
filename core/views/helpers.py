"""Small helpers shared by the core's views."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request

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


def paginate(select: Any, per_page: int | None = None) -> Any:
    """Paginate a select statement by the ``page`` query argument."""
    return db.paginate(
        select, page=page_number(), per_page=per_page or current_app.config["PAGE_SIZE"],
        error_out=False,
    )


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
