"""Markdown to sanitised HTML, rendered once when text is saved."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "dd", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def sanitise(html: str) -> str:
    """Clean HTML down to the allowed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(source: str | None) -> str:
    """Render user markdown to sanitised HTML, ready to store next to its source."""
    if not source:
        return ""
    html = markdown.markdown(source, extensions=_EXTENSIONS, output_format="html")
    return sanitise(html)


def quote(source: str, author: str) -> str:
    """Return markdown quoting ``source`` for a reply, attributed to ``author``."""
    lines = (source or "").strip().splitlines() or [""]
    return f"> **{author}:**\n" + "\n".join(f"> {line}" for line in lines) + "\n\n"
