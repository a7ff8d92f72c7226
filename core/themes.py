"""Themes: template folders that override core and plugin templates, plus static files."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app, g, has_request_context
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"


@functools.cache
def available() -> list[str]:
    """Names of installed themes (read once per process)."""
    return sorted(p.name for p in THEMES_DIR.iterdir() if (p / "templates").is_dir())


def current_theme() -> str:
    """The theme for this request: the user's choice, else the site default."""
    if has_request_context():
        theme = g.get("theme")
        if theme:
            return theme
        from flask_login import current_user

        choice = getattr(current_user, "theme", None) if current_user else None
        theme = choice if choice in available() else current_app.config["DEFAULT_THEME"]
        g.theme = theme
        return theme
    return current_app.config["DEFAULT_THEME"]


class ThemedFlask(Flask):
    """Flask whose Jinja environment depends on the request's theme.

    Each theme gets an overlay of the base environment (sharing globals, filters
    and extensions) whose loader looks in the theme, then the default theme,
    then the usual core and blueprint folders.
    """

    def _theme_env(self, theme: str) -> Environment:
        envs = self.__dict__.setdefault("_theme_envs", {})
        if theme not in envs:
            base = self._base_jinja_env
            folders = [THEMES_DIR / theme / "templates"]
            if theme != "default":
                folders.append(THEMES_DIR / "default" / "templates")
            loader = ChoiceLoader([FileSystemLoader([str(f) for f in folders]), base.loader])
            envs[theme] = base.overlay(loader=loader)
        return envs[theme]

    @property
    def _base_jinja_env(self) -> Environment:
        if "_base_env" not in self.__dict__:
            self.__dict__["_base_env"] = self.create_jinja_environment()
        return self.__dict__["_base_env"]

    @property
    def jinja_env(self) -> Environment:  # type: ignore[override]
        if not self.__dict__.get("_themes_ready"):
            return self._base_jinja_env
        return self._theme_env(current_theme() if has_request_context() else "default")

    def themes_ready(self) -> None:
        """Call once every extension has set up the base environment."""
        self.__dict__["_themes_ready"] = True
        self.__dict__.pop("_theme_envs", None)
