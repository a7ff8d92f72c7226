"""Worksheet schemas: which fields a worksheet has and how they are checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

KINDS = ("text", "textarea", "number", "date", "choice", "choices", "table")


@dataclass(frozen=True)
class Field:
    """One question of a worksheet.

    ``kind`` is one of ``KINDS``. A ``table`` has ``columns`` (fields of the other
    kinds) and at least ``min_rows`` rows; number columns with ``total`` get a
    computed total. ``required`` fields must be answered before the worksheet is
    submitted to the mentor (a draft may be incomplete). ``area`` names the block
    of a canvas layout.
    """

    name: str
    label: Any
    kind: str = "textarea"
    help: Any = ""
    required: bool = False
    choices: tuple[tuple[str, Any], ...] = ()
    max_length: int = 4000
    columns: tuple[Field, ...] = ()
    min_rows: int = 3
    total: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")
        if self.kind == "table" and not self.columns:
            raise ValueError(f"table {self.name!r} needs columns")


@dataclass(frozen=True)
class Schema:
    """A worksheet: its name (``<plugin>.<key>``, also the session type it belongs
    to), title, introduction and fields.

    ``layout`` is ``"form"`` (one field after another) or ``"canvas"`` (fields as
    blocks of a CSS grid styled by ``stylesheet``, a file in the plugin's
    blueprint static folder). ``summary`` computes extra figures from the saved
    data: it returns ``[(label, value)]``.
    """

    name: str
    plugin: str
    title: Any
    fields: tuple[Field, ...]
    intro: Any = ""
    layout: str = "form"
    stylesheet: str | None = None
    summary: Callable[[dict[str, Any]], list[tuple[Any, Any]]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The part of the name after the plugin prefix (used in URLs)."""
        return self.name.split(".", 1)[1]

    def field(self, name: str) -> Field | None:
        """The field of that name, or None."""
        return next((f for f in self.fields if f.name == name), None)


def as_decimal(value: Any) -> Decimal | None:
    """A stored number (kept as text for exactness) as a Decimal, or None."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def column_totals(spec: Field, rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Totals of a table's number columns that ask for one."""
    return {
        col.name: sum((as_decimal(r.get(col.name)) or Decimal(0) for r in rows), Decimal(0))
        for col in spec.columns if col.kind == "number" and col.total
    }


def missing(schema: Schema, data: dict[str, Any]) -> list[Any]:
    """Labels of required fields that have no answer in ``data``."""
    return [f.label for f in schema.fields if f.required and data.get(f.name) in (None, "", [])]
