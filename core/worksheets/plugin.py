"""The hook implementations every worksheet plugin shares.

A worksheet plugin (employability, entrepreneurship…) builds one
``WorksheetHooks`` and exposes its bound methods as module-level hooks, so the
plugins stay independent of each other while saying each thing once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.declarations import Capability, UserData
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})


class WorksheetHooks:
    """Hooks of a worksheet plugin named ``name``.

    ``load`` returns ``(worksheet model, comment model, schemas, blueprint,
    session types)`` and is called lazily, once the app is being built;
    ``labels`` holds the plugin's translated texts: ``view``, ``fill``,
    ``comment`` (capability descriptions) and ``link`` (the group page link).
    """

    def __init__(self, name: str, load: Callable[[], tuple],
                 labels: dict[str, Any], demo: Callable[[Any, dict], None]) -> None:
        self.name = name
        self._load = load
        self.labels = labels
        self._demo = demo

    def _parts(self) -> tuple:
        return self._load()

    @hookimpl
    def register_models(self):
        """Worksheets and comments."""
        worksheet, comment, *_ = self._parts()
        return [worksheet, comment]

    @hookimpl
    def register_blueprints(self):
        """The worksheet pages."""
        return [self._parts()[3]]

    @hookimpl
    def register_capabilities(self):
        """Who sees, fills in and comments on worksheets."""
        n = self.name
        return [
            Capability(f"{n}.view_worksheets", self.labels["view"], ALL, "group"),
            Capability(f"{n}.fill_worksheets", self.labels["fill"], frozenset({"mentee"}),
                       "group", writes=True),
            Capability(f"{n}.comment_worksheets", self.labels["comment"], STAFF, "group",
                       writes=True),
        ]

    @hookimpl
    def register_session_types(self):
        """One session type per worksheet, with guidance for the mentor."""
        return self._parts()[4]

    @hookimpl
    def slot_group_page(self, group, user):
        """A link to the group's worksheets of this plugin."""
        from flask import url_for
        from markupsafe import Markup, escape

        from core.permissions import can

        if not can(user, f"{self.name}.view_worksheets", group.programme_id, group):
            return None
        url = url_for(f"{self.name}.index", group_id=group.id)
        return Markup('<p><a href="{}">{}</a></p>').format(url, escape(str(self.labels["link"])))

    @hookimpl
    def export_user_data(self, user):
        """The user's worksheets and the comments they wrote."""
        from core.worksheets.records import export_worksheets

        worksheet, comment, *_ = self._parts()
        records = export_worksheets(worksheet, comment, user)
        return UserData(plugin=self.name, records=records) if records else None

    @hookimpl
    def erase_user_data(self, user):
        """Delete the user's own worksheets; their comments stay, anonymised."""
        from core.worksheets.records import erase_worksheets

        worksheet, comment, *_ = self._parts()
        erase_worksheets(worksheet, comment, user)

    @hookimpl
    def demo_data(self, programme, users):
        """The plugin's sessions in each group's plan and a filled worksheet or two."""
        self._demo(programme, users)

    def export(self, namespace: dict[str, Any]) -> None:
        """Publish every hook as a module-level name in ``namespace`` (a plugin module)."""
        for attr in dir(self):
            method = getattr(self, attr)
            if callable(method) and hasattr(method, "ementoring_impl"):
                namespace[attr] = method
