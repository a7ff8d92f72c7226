"""Reading the URL map: which parameters a rule takes and how to fill them in."""

from __future__ import annotations

import re
from typing import Any

_PARAM = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")

# plausible values for the text parameters routes take
TEXT_VALUES = {
    "direction": "up", "flag": "pin", "day": "2026-01-05", "fmt": "txt", "key": "cv",
    "status": "completed", "code": "ABCD-EFGH", "token": "not-a-token", "name": "x.png",
    "filename": "x.css", "theme": "default",
}


def params(rule: Any) -> list[tuple[str, str]]:
    """``(converter, name)`` of each parameter of a rule, in order."""
    return [(m["conv"] or "default", m["name"]) for m in _PARAM.finditer(rule.rule)]


def int_params(rule: Any) -> list[str]:
    """Names of the rule's ``<int:...>`` parameters."""
    return [name for conv, name in params(rule) if conv == "int"]


def fill(rule: Any, values: dict[str, Any]) -> str:
    """The rule's path with each parameter replaced by ``values[name]`` (text
    parameters fall back to ``TEXT_VALUES``)."""
    def one(m: re.Match) -> str:
        name = m["name"]
        return str(values[name] if name in values else TEXT_VALUES[name])

    return _PARAM.sub(one, rule.rule)


def methods(rule: Any) -> list[str]:
    """GET and/or POST, as the rule allows."""
    return [m for m in ("GET", "POST") if m in rule.methods]
