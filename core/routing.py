"""URL converters the whole application uses."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map, ValidationError

# ids are ``db.Integer`` columns: 32-bit signed on PostgreSQL, so nothing larger
# can name a row anywhere
DB_INT_MAX = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` limited to the database's integer range: a larger number (or a
    thousand digits) matches no route and answers 404 instead of overflowing in the
    database driver."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, DB_INT_MAX if max is None else max, signed)

    def to_python(self, value: str) -> Any:
        """The number, or no match when it has more digits than any id can have."""
        if len(value.lstrip("-")) > len(str(DB_INT_MAX)):
            raise ValidationError
        return super().to_python(value)


def db_int(value: Any) -> int:
    """An id from a query or form argument (``request.args.get(name, type=db_int)``)
    or a socket message: anything but a number in the database's integer range
    raises ``ValueError`` (which Werkzeug turns into the argument's default)."""
    text = str(value).strip()
    if value is None or len(text.lstrip("-")) > len(str(DB_INT_MAX)):
        raise ValueError(text)
    number = int(text)
    if not 0 <= number <= DB_INT_MAX:
        raise ValueError(text)
    return number


def install(app: Any) -> None:
    """Make ``<int:...>`` bounded in every route the app and its plugins declare."""
    app.url_map.converters["int"] = BoundedIntConverter
