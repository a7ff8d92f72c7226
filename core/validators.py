"""Form validators shared by core and plugin forms."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]+$")


class EmailAddress:
    """Accept a plausible e-mail address (no DNS look-ups: sites may be offline)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:  # noqa: ANN001
        value = (field.data or "").strip()
        if value and not _EMAIL.match(value):
            raise ValidationError(self.message or _l("Enter a valid e-mail address."))
