"""Every user-facing string of the core and of each plugin is translated into
every language the core ships a catalog for (Czech, Finnish, Dutch, Bulgarian,
Ukrainian)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core import create_app
from core.extensions import db
from core.i18n import catalog_languages, compile_catalogs
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]
LANGS = catalog_languages()[1:]  # every catalog the core ships, English excluded
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


@pytest.mark.parametrize("header, lang, word", [
    ("cs-CZ,cs;q=0.9,en;q=0.5", "cs", "Přihlásit se"),
    ("fi", "fi", "Kirjaudu sisään"),
    ("nl-BE,nl;q=0.8", "nl", "Inloggen"),
    ("bg,en;q=0.3", "bg", "Вход"),
    ("uk-UA,uk;q=0.9,ru;q=0.5", "uk", "Увійти"),
    ("ja,de;q=0.5", "en", "Log in"),
])
def test_visitors_get_their_browsers_language(client, header, lang, word):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in page and word in page


def test_a_users_choice_beats_the_browser(app, world, login_as):
    world["mentee_a"].language = "fi"
    from core.extensions import db

    db.session.commit()
    c = login_as(world["mentee_a"])
    page = c.get("/dashboard", headers={"Accept-Language": "cs"}).get_data(as_text=True)
    assert '<html lang="fi"' in page


def test_a_catalog_folder_is_a_language(tmp_path):
    for code in ("cs", "ar"):
        (tmp_path / code / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / code / "LC_MESSAGES" / "messages.po").write_text("")
    assert catalog_languages(tmp_path) == ["en", "ar", "cs"]
    assert set(catalog_languages()) >= {"en", "cs", "fi", "nl", "bg", "uk"}


def test_the_profile_offers_every_catalog_language(app, world, login_as):
    page = login_as(world["mentee_a"]).get("/profile").get_data(as_text=True)
    assert 'value="uk"' in page and "Українська" in page


def test_right_to_left_languages_set_dir(tmp_path):
    """A language written right to left (a test-only Arabic catalog) turns the page."""
    po = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Log in"\nmsgstr "تسجيل الدخول"\n', encoding="utf-8")
    rtl = create_app(base_config(tmp_path, LANGUAGES=["en", "ar"],
                                 SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'rtl.sqlite'}"))
    rtl.extensions["babel"].translation_directories.append(str(tmp_path))
    compile_catalogs([tmp_path])
    with rtl.app_context():
        db.create_all()
        page = rtl.test_client().get("/login", headers={"Accept-Language": "ar"})
        text = page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in text
    assert "تسجيل الدخول" in text
