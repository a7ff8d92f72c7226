"""Read the fields of a rendered form, as a browser would submit them."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from core.extensions import db


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self._form[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self._form.setdefault(self._select, value)
            if "selected" in a:
                self._form[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            text = self._form[self._textarea]
            if not text:  # the browser drops the newline that follows <textarea>
                data = data.removeprefix("\r\n").removeprefix("\n")
            self._form[self._textarea] = text + data


def two_tabs(login_as: Any, user: Any, url: str) -> tuple[Any, dict[str, str], Any,
                                                         dict[str, str]]:
    """Two clients of one user that both loaded the edit page ``url``, with its fields."""
    tab1, tab2 = login_as(user), login_as(user)
    return (tab1, form_fields(tab1.get(url).get_data(as_text=True)),
            tab2, form_fields(tab2.get(url).get_data(as_text=True)))


def second_save_refused(login_as: Any, user: Any, url: str, field: str, first: str,
                        second: str, extra: dict[str, str] | None = None) -> str:
    """Two tabs load ``url``; the first saves ``field`` = ``first``, then the second
    saves ``second`` and must get 409 with its text still in the form. Returns that
    page; the caller checks that the database kept ``first``."""
    tab1, f1, tab2, f2 = two_tabs(login_as, user, url)
    assert tab1.post(url, data={**f1, **(extra or {}), field: first}).status_code == 302
    resp = tab2.post(url, data={**f2, **(extra or {}), field: second})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert form_fields(html)[field] == second
    db.session.expire_all()
    return html


def form_fields(html: str, having: str = "version") -> dict[str, str]:
    """The fields of the page's first form that has a field named ``having``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if having in form:
            return form
    raise AssertionError(f"no form with a field {having!r} on the page")
