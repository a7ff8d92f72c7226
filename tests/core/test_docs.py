"""docs/plugins.md is the plugin contract: every hook, with each of its arguments,
what it returns, when it is called, whether the first result wins and an example;
and every hook has a docstring."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HEADING = re.compile(r"^### (\w+)\(([^)]*)\)\s*$", re.M)
PARTS = ("**Arguments:**", "**Returns:**", "**When:**", "**First result wins:**", "```python")


def _hooks() -> dict[str, list[str]]:
    """Every hook in the spec module and its argument names."""
    return {name: list(inspect.signature(fn).parameters)
            for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(fn, "ementoring_spec")}


def _documented() -> dict[str, tuple[list[str], str]]:
    """Hook headings of docs/plugins.md: name -> (arguments, the section's text)."""
    text = DOC.read_text()
    found = {}
    matches = list(HEADING.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        section = text[m.end():end].split("\n### ")[0]
        found[m.group(1)] = ([a.strip() for a in m.group(2).split(",") if a.strip()], section)
    return found


def test_the_spec_module_has_hooks():
    assert len(_hooks()) >= 15
    assert {"register_events", "on_event", "nav_items"} <= set(_hooks())


@pytest.mark.parametrize("hook", sorted(_hooks()))
def test_hook_is_documented_with_its_arguments(hook):
    documented = _documented()
    assert hook in documented, f"docs/plugins.md has no '### {hook}(...)' section"
    args, section = documented[hook]
    assert args == _hooks()[hook], f"{hook}: documented {args}, spec {_hooks()[hook]}"
    for arg in args:
        assert f"`{arg}`" in section, f"{hook}: argument {arg} is not described"
    for part in PARTS:
        assert part in section, f"{hook}: the section lacks {part}"


@pytest.mark.parametrize("hook", sorted(_hooks()))
def test_hook_has_a_docstring(hook):
    assert (getattr(hookspecs, hook).__doc__ or "").strip(), f"{hook} has no docstring"


def test_no_documented_hook_is_gone():
    assert set(_documented()) - set(_hooks()) == set()
