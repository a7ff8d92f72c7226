"""The baseline for bench/pages.py: a bare Flask app whose ``/page/<size>`` returns
an HTML page of exactly ``size`` bytes, served under the same gunicorn settings.

    gunicorn -w 2 -k gthread --threads 4 --chdir bench bare_app:app
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask

app = Flask(__name__)

HEAD = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>bare</title></head><body><main>")
TAIL = "</main></body></html>"
PARAGRAPH = ("<p>Mentors and mentees talk between meetings here; mentees send filled-in "
             "documents to their mentor as attachments.</p>\n")


@lru_cache(maxsize=16)
def page_of(size: int) -> str:
    """An HTML page of ``size`` bytes (ASCII only, so characters are bytes)."""
    room = max(0, size - len(HEAD) - len(TAIL))
    body = (PARAGRAPH * (room // len(PARAGRAPH) + 1))[:room]
    return HEAD + body + TAIL


@app.route("/page/<int:size>")
def page(size: int) -> str:
    """The page of the asked size (at most 5 MB)."""
    return page_of(min(size, 5_000_000))
