"""The lessons plugin's pages; importing this package registers every route."""

from plugins.lessons.blueprint import bp
from plugins.lessons.views import (  # noqa: F401, E402
    course,
    editor,
    history,
    journal,
    reading,
    transfer,
)

__all__ = ["bp"]
