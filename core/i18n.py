"""Language selection and catalog compilation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request
from flask_login import current_user


def select_locale() -> str:
    """The user's preferred language, then the browser's, then English."""
    languages = current_app.config["LANGUAGES"]
    user = current_user
    if user and getattr(user, "is_authenticated", False) and user.language in languages:
        return user.language
    if request:
        return request.accept_languages.best_match(languages) or "en"
    return "en"


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
