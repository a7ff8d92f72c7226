"""Plugin discovery, declarations, per-programme activation and hook calling."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from flask import current_app, g

from core import hookspecs
from core.declarations import ActivityType, Capability, EventType, SessionType, Setting
from core.extensions import db
from core.securitylog import security_event

ENTRY_POINT_GROUP = "ementoring.plugins"
CORE = "core"
# the plugins shipped in ``plugins/``; deleting one's folder removes it (third-party
# plugins register under the entry point group instead)
DEFAULT_PLUGINS = (
    "plugins.chat",
    "plugins.documents",
    "plugins.employability",
    "plugins.entrepreneurship",
    "plugins.forum",
    "plugins.lessons",
    "plugins.matching",
    "plugins.messages",
    "plugins.monitoring",
)
log = logging.getLogger(__name__)


class PluginRegistry:
    """Every installed plugin, the declarations they made and programme-scoped relays.

    All installed plugins register once at start-up; whether one is enabled is
    decided per programme by ``ProgrammePlugin`` rows and applied through
    ``pluggy.PluginManager.subset_hook_caller``.
    """

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("ementoring")
        self.pm.add_hookspecs(hookspecs)
        self.capabilities: dict[str, Capability] = {}
        self.activity_types: dict[str, ActivityType] = {}
        self.session_types: dict[str, SessionType] = {}
        self.settings: dict[tuple[str, str], Setting] = {}
        self.models: dict[str, list[type]] = {}
        self.event_types: dict[str, EventType] = {}
        self.blueprint_plugins: dict[str, str] = {}
        self._relays: dict[tuple[str, frozenset[str]], Any] = {}

    # -- loading ---------------------------------------------------------
    def load(self, extra: Iterable[Any] = (), blocked: Iterable[str] = ()) -> None:
        """Register the core's own plugin, the built-ins that are present, entry-point
        plugins and ``extra`` objects; names in ``blocked`` (the site's
        ``DISABLED_PLUGINS``) are not loaded at all. A plugin that fails to load is
        logged and skipped."""
        from core import builtin

        for name in blocked:
            if name != CORE:
                self.pm.set_blocked(name)
        self.pm.register(builtin, name=CORE)
        for module in DEFAULT_PLUGINS:
            self._register(module.rpartition(".")[2], lambda m=module: _import_present(m))
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            self._register(ep.name, ep.load)
        for obj in extra:
            name = getattr(obj, "name", None) or getattr(obj, "__name__", None)
            self._register(name, lambda o=obj: o)
        self._collect()

    def _register(self, name: str, load: Callable[[], Any]) -> None:
        """Load and register one plugin; a failure is logged and the plugin skipped."""
        if self.pm.has_plugin(name) or self.pm.is_blocked(name):
            return
        try:
            plugin = load()
            if plugin is None:
                return
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception:
            log.exception("plugin %r failed to load and is skipped", name)
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)

    def folder(self, name: str) -> Path | None:
        """The folder a plugin lives in: its ``folder`` attribute or its package's."""
        plugin = self.pm.get_plugin(name)
        folder = getattr(plugin, "folder", None)
        if folder is None and isinstance(plugin, ModuleType) and getattr(plugin, "__file__", None):
            folder = Path(plugin.__file__).parent
        return Path(folder) if folder else None

    def subfolders(self, sub: str) -> list[tuple[str, Path]]:
        """``(plugin, folder)`` for each plugin (not the core) having a ``sub`` folder,
        such as ``translations`` or ``migrations``."""
        found = []
        for name in self.names:
            folder = self.folder(name)
            if folder is not None and (folder / sub).is_dir():
                found.append((name, folder / sub))
        return found

    def _each(self, hook_name: str) -> Iterable[tuple[str, Any]]:
        """Yield (plugin name, result) for every implementation of a setup hook."""
        for impl in reversed(getattr(self.pm.hook, hook_name).get_hookimpls()):
            result = impl.function()
            if result is not None:
                yield impl.plugin_name, result

    def _collect(self) -> None:
        for plugin, caps in self._each("register_capabilities"):
            for cap in caps:
                if cap.plugin != plugin:
                    raise ValueError(f"capability {cap.name} must start with {plugin}.")
                self.capabilities[cap.name] = cap
        for _plugin, types in self._each("register_activity_types"):
            for t in types:
                self.activity_types[t.name] = t
        for _plugin, types in self._each("register_session_types"):
            for t in types:
                self.session_types[t.name] = t
        for _plugin, settings in self._each("register_settings"):
            for s in settings:
                self.settings[(s.plugin, s.name)] = s
        declared_by: dict[str, str] = {}
        for plugin, events in self._each("register_events"):
            for event in events:
                if event.name in self.event_types:
                    raise ValueError(f"event {event.name} declared by {plugin} and "
                                     f"{declared_by[event.name]}")
                self.event_types[event.name] = event
                declared_by[event.name] = plugin
        for plugin, models in self._each("register_models"):
            self.models[plugin] = list(models)

    # -- facts ---------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Names of installed plugins that programmes can enable or disable."""
        return sorted(n for n, p in self.pm.list_name_plugin() if p is not None and n != CORE)

    def setup_results(self, hook_name: str) -> list[tuple[str, Any]]:
        """Results of a setup hook with the name of the plugin that gave each."""
        return list(self._each(hook_name))

    def plugin_object(self, name: str) -> Any:
        """Return the registered plugin object (module) for a name."""
        return self.pm.get_plugin(name)

    # -- per-programme activation ------------------------------------------
    def disabled_in(self, programme_id: int | None) -> frozenset[str]:
        """Names of plugins disabled in a programme, cached for the request."""
        if programme_id is None:
            return frozenset()
        cache = g.get("_disabled_plugins")
        if cache is None:
            cache = g._disabled_plugins = _read_disabled()
        return cache.get(programme_id, frozenset())

    def is_enabled(self, programme_id: int | None, plugin: str) -> bool:
        """True when ``plugin`` is installed and active in the programme (the core
        always is)."""
        if plugin == CORE:
            return True
        return self.pm.has_plugin(plugin) and plugin not in self.disabled_in(programme_id)

    def set_enabled(self, programme_id: int, plugin: str, enabled: bool) -> None:
        """Enable or disable a plugin in a programme; takes effect on the next request."""
        from core.models import ProgrammePlugin

        if plugin not in self.names:
            raise KeyError(plugin)
        row = db.session.get(ProgrammePlugin, (programme_id, plugin))
        if row is None:
            row = ProgrammePlugin(programme_id=programme_id, plugin=plugin)
            db.session.add(row)
        row.enabled = enabled
        db.session.commit()
        g.pop("_disabled_plugins", None)
        security_event("plugin.enabled" if enabled else "plugin.disabled", "success",
                       programme=programme_id, plugin=plugin)

    def hooks_for(self, programme: Any) -> _Relay:
        """A hook relay that skips plugins disabled in ``programme`` (or its id)."""
        pid = getattr(programme, "id", programme)
        return _Relay(self, self.disabled_in(pid))

    def owner_hooks(self, plugin: str) -> _Relay:
        """A hook relay that calls only ``plugin``'s implementations (for questions
        only the owner of an object may answer)."""
        others = frozenset(n for n, _ in self.pm.list_name_plugin() if n != plugin)
        return _Relay(self, others)

    def _subset(self, hook_name: str, disabled: frozenset[str]) -> Any:
        key = (hook_name, disabled)
        if key not in self._relays:
            if disabled:
                remove = [self.pm.get_plugin(n) for n in disabled if self.pm.has_plugin(n)]
                self._relays[key] = self.pm.subset_hook_caller(hook_name, remove)
            else:
                self._relays[key] = getattr(self.pm.hook, hook_name)
        return self._relays[key]

    # -- declarations filtered by programme -----------------------------------
    def activity_types_for(self, programme_id: int) -> list[ActivityType]:
        """Activity types whose plugin is enabled in the programme."""
        return [t for t in self.activity_types.values() if self.is_enabled(programme_id, t.plugin)]

    def session_types_for(self, programme_id: int) -> list[SessionType]:
        """Session types whose plugin is enabled in the programme."""
        return [t for t in self.session_types.values() if self.is_enabled(programme_id, t.plugin)]


def _import_present(module: str) -> ModuleType | None:
    """Import a built-in plugin, or None when its folder was deleted."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name != module:
            raise  # the plugin is there but one of its imports is missing
        log.info("built-in plugin %s is not present", module)
        return None

def disabled_column() -> Any:
    """A scalar subquery reading every disabled ``programme:plugin`` pair, for the
    request's first statement (the user's) to read along; see ``remember_disabled``."""
    from sqlalchemy import String, cast, func

    from core.models import ProgrammePlugin

    return db.select(func.aggregate_strings(
        cast(ProgrammePlugin.programme_id, String) + ":" + ProgrammePlugin.plugin, ",")
    ).where(ProgrammePlugin.enabled.is_(False)).scalar_subquery()


def remember_disabled(pairs: str | None) -> None:
    """Keep for this request what ``disabled_column`` read, so that ``disabled_in``
    needs no statement of its own."""
    found: dict[int, set[str]] = {}
    for item in (pairs or "").split(","):
        pid, _, name = item.partition(":")
        if pid:
            found.setdefault(int(pid), set()).add(name)
    g._disabled_plugins = {pid: frozenset(n) for pid, n in found.items()}


def _read_disabled() -> dict[int, frozenset[str]]:
    """Plugins disabled per programme: one query for every programme (the table is small)."""
    from core.models import ProgrammePlugin

    found: dict[int, set[str]] = {}
    for pid, name in db.session.execute(
        db.select(ProgrammePlugin.programme_id, ProgrammePlugin.plugin).where(
            ProgrammePlugin.enabled.is_(False))
    ).all():
        found.setdefault(pid, set()).add(name)
    return {pid: frozenset(n) for pid, n in found.items()}


class _Relay:
    """Attribute access to programme-scoped hook callers."""

    def __init__(self, registry: PluginRegistry, disabled: frozenset[str]) -> None:
        self._registry = registry
        self._disabled = disabled

    def __getattr__(self, name: str) -> Any:
        return self._registry._subset(name, self._disabled)


def registry() -> PluginRegistry:
    """The current app's plugin registry."""
    return current_app.extensions["ementoring.plugins"]


def hooks(programme: Any = None) -> Any:
    """Hook relay for a programme (skipping its disabled plugins), or all hooks."""
    reg = registry()
    if programme is None:
        return reg.pm.hook
    return reg.hooks_for(programme)


def flatten(results: Iterable[Any]) -> list[Any]:
    """Flatten the list-of-lists that most collecting hooks return."""
    out: list[Any] = []
    for r in results:
        if r is None:
            continue
        if isinstance(r, list | tuple):
            out.extend(r)
        else:
            out.append(r)
    return out


def setting(programme_id: int, plugin: str, name: str) -> Any:
    """Return a programme's value for a plugin setting, or its declared default."""
    from core.models import Programme

    decl = registry().settings[(plugin, name)]
    programme = db.session.get(Programme, programme_id)
    values = (getattr(programme, "settings", None) or {}).get(plugin, {}) if programme else {}
    return values.get(name, decl.default)
