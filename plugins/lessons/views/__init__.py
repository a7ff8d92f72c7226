"""The lessons plugin's pages; importing this package registers every route."""

from plugins.lessons.blueprint import bp
from plugins.lessons.views import course, editor, journal, reading, transfer  # noqa: F401, E402

__all__ = ["bp"]
