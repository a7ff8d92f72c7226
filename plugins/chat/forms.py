"""The chat's one form: a message, posted without JavaScript or sent live."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField


def new_client_id() -> str:
    """A fresh id for one message, so that sending the same form twice stores it once."""
    return secrets.token_urlsafe(16)


class MessageForm(FlaskForm):
    """A message; length and content are checked by ``services.clean_body``."""

    body = TextAreaField(_l("Message"))
    client_id = HiddenField()
