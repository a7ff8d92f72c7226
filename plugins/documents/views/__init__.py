"""The documents plugin's pages; importing this package registers every route on ``bp``."""

from plugins.documents.views import checklist, filing, folder, library  # noqa: F401
from plugins.documents.views.common import bp

__all__ = ["bp"]
