"""Language selection and catalog compilation."""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request, session
from flask_login import current_user


def catalog_languages(translations: Path | None = None) -> list[str]:
    """English, then every language the core has a catalog for (in ``translations``,
    by default the core's own folder): adding a catalog folder adds a language, with
    no code to change."""
    translations = translations or Path(__file__).parent / "translations"
    found = {p.parts[-3] for p in translations.glob("*/LC_MESSAGES/messages.po")}
    return ["en", *sorted(found - {"en"})]


def language_label(code: str) -> str:
    """A language's name in that language, capitalised ("Čeština", "Українська")."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    """``(code, name)`` for every language of the site, for select fields."""
    return [(code, language_label(code)) for code in current_app.config["LANGUAGES"]]


def text_direction(code: str) -> str:
    """``rtl`` for languages written right to left, else ``ltr`` (HTML's ``dir``)."""
    try:
        return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"
    except (ValueError, UnknownLocaleError):
        return "ltr"


def select_locale() -> str:
    """The language already chosen for this request, else the user's preferred one
    (remembered in the session cookie for paths that must not read the database),
    then the browser's, then English."""
    if has_request_context() and g.get("locale"):
        return g.locale
    languages = current_app.config["LANGUAGES"]
    user = current_user
    if user and getattr(user, "is_authenticated", False):
        chosen = user.language if user.language in languages else None
        if has_request_context() and session.get("locale") != chosen:
            if chosen:
                session["locale"] = chosen
            else:
                session.pop("locale", None)
        if chosen:
            return chosen
    return browser_locale()


def browser_locale() -> str:
    """The language remembered in the session cookie, else the browser's, else
    English: chosen without the database, for error pages and error answers."""
    if not has_request_context():
        return "en"
    if g.get("locale"):
        return g.locale
    languages = current_app.config["LANGUAGES"]
    remembered = session.get("locale")
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or "en"


def compile_catalogs(directories: list[str | Path]) -> int:
    """Compile every ``.po`` under the given translation folders to ``.mo``; return
    how many were (re)written."""
    count = 0
    for directory in directories:
        for po_path in Path(directory).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=po_path.parts[-3])
            with mo_path.open("wb") as out:
                write_mo(out, catalog)
            count += 1
    return count


def _request_translations():  # noqa: ANN202
    """The request's translations, looked up once (Flask-Babel's lookup is costly)."""
    from flask import g, has_request_context
    from flask_babel import get_translations

    if not has_request_context():
        return get_translations()
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def install_template_gettext(app) -> None:  # noqa: ANN001
    """Give templates gettext callables that reuse the request's translations."""
    app.jinja_env.install_gettext_callables(
        lambda s: _request_translations().ugettext(s),
        lambda s, p, n: _request_translations().ungettext(s, p, n),
        newstyle=True,
    )
