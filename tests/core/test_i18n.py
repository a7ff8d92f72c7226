"""Every user-facing string of the core and of each plugin is translated into
Czech, Finnish, Dutch and Bulgarian."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["cs", "fi", "nl", "bg"]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "_n": (1, 2), "lazy_ngettext": (1, 2)}


def packages() -> list[Path]:
    pkgs = [ROOT / "core"]
    pkgs += sorted(p for p in (ROOT / "plugins").iterdir() if (p / "translations").is_dir())
    return pkgs


def msgids(pkg: Path) -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(pkg), METHODS, keywords=KEYWORDS, options_map={"**.html": {}}
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in ids if m}


@pytest.mark.parametrize("pkg", packages(), ids=lambda p: p.name)
def test_catalogs_translate_every_string(pkg: Path):
    ids = msgids(pkg)
    assert ids, f"no strings found in {pkg.name}"
    problems = {}
    for lang in LANGS:
        po = pkg / "translations" / lang / "LC_MESSAGES" / "messages.po"
        assert po.exists(), f"{po} is missing"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        missing = []
        for mid in ids:
            msg = catalog.get(mid)
            text = msg.string if msg else None
            if isinstance(text, tuple | list):
                text = text[0]
            if not text or (msg and msg.fuzzy):
                missing.append(mid)
        if missing:
            problems[lang] = sorted(missing)[:10] + ([f"... {len(missing)} in all"])
    assert problems == {}


def test_plugins_with_templates_ship_catalogs():
    for plugin in (ROOT / "plugins").iterdir():
        if (plugin / "templates").is_dir():
            assert (plugin / "translations").is_dir(), f"{plugin.name} has no translations"
