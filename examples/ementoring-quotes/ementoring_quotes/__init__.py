"""Quote of the week: an encouraging line above the course, and a page of its own.

An example of a third-party ementoring plugin, installed with pip and found
through the ``ementoring.plugins`` entry point (see docs/plugins.md).
"""

from __future__ import annotations

from flask import Blueprint, render_template_string
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from core.declarations import Capability, NavItem
from core.hookspecs import hookimpl
from core.permissions import capability_required

bp = Blueprint("quotes", __name__)
QUOTE = "Every expert was once a beginner."
PAGE = ('{% extends "base.html" %}{% block content %}'
        '<h1>{{ title }}</h1><blockquote class="quote">{{ quote }}</blockquote>'
        "{% endblock %}")


@bp.route("/p/<int:programme_id>/quote")
@capability_required("quotes.view")  # the core answers 404 where the plugin is disabled
def page(programme_id: int) -> str:
    """The quote of the week on a page of its own."""
    return render_template_string(PAGE, title=_l("Quote of the week"), quote=QUOTE)


@hookimpl
def register_blueprints():
    """The quote page."""
    return [bp]


@hookimpl
def register_capabilities():
    """Who may read the quote: everyone in the programme."""
    return [Capability("quotes.view", _l("Read the quote of the week"),
                       frozenset({"manager", "mentor", "mentee"}))]


@hookimpl
def nav_items(programme, user):
    """A link to the quote page."""
    return [NavItem(_l("Quote"), f"/p/{programme.id}/quote", order=90)]


@hookimpl
def slot_course_header(programme, user):
    """The quote above the course's sections."""
    return Markup('<blockquote class="quote">{}</blockquote>').format(QUOTE)
