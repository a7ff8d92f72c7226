"""Worksheets: structured forms a mentee fills in and the mentor comments on.

A plugin describes each worksheet with a ``Schema`` of ``Field`` objects, keeps
the answers as JSON in its own tables (``WorksheetRecord`` and
``WorksheetCommentRecord`` mixins) and gets its pages, printable view and
comments from ``worksheet_blueprint``. The plugins never share code with each
other; they share this.
"""

from core.worksheets.schema import Field, Schema

__all__ = ["Field", "Schema"]
