"""Forms of the forum: discussions, replies, edits and mail preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from core.concurrency import version_field

BODY_MAX = 50000


class _BodyForm(FlaskForm):
    """A markdown message with a "Preview" button next to the submit button."""

    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 8})

    @property
    def preview_requested(self) -> bool:
        """True when the "Preview" button sent the form."""
        from flask import request

        return request.form.get("action") == "preview"


class ReplyForm(_BodyForm):
    """A reply with attachments; ``parent`` names the post answered."""

    attachments = MultipleFileField(_l("Attachments"))
    parent = HiddenField()


class DiscussionForm(ReplyForm):
    """A new discussion: a subject and the first post."""

    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])


class EditForm(_BodyForm):
    """Editing a post; ``version`` is the one the editor loaded."""

    title = StringField(_l("Subject"), validators=[Optional(), Length(max=200)])
    version = version_field()


class PreferenceForm(FlaskForm):
    """How forum mail arrives, for every forum."""

    digest = RadioField(_l("E-mail about new posts"), choices=[
        ("each", _l("Each post in its own message")),
        ("digest", _l("One digest a day")),
    ], default="each")
