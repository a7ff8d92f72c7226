"""Forms of the documents plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.concurrency import version_field

FILLED_BY_CHOICES = [("mentee", _l("Mentee")), ("mentor", _l("Mentor")),
                     ("manager", _l("Manager"))]


class TemplateForm(FlaskForm):
    """Publish or edit a template in the library."""

    file = FileField(_l("Template file"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (markdown)"),
                                validators=[Optional(), Length(max=5000)])
    filled_by = SelectField(_l("Who fills it in"), choices=FILLED_BY_CHOICES, default="mentor")
    mandatory = BooleanField(_l("Mandatory for every mentoring group"), default=True)
    needs_signature = BooleanField(_l("Needs signatures (a signed scan is uploaded)"))
    folder_id = SelectField(_l("Where the filled-in copy goes"), coerce=int, default=0)
    version = version_field()


class UploadForm(FlaskForm):
    """Upload a new document to a group's folder."""

    file = FileField(_l("File"))
    template_id = SelectField(_l("Fulfils the template"), coerce=int, default=0)
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


class VersionForm(FlaskForm):
    """Upload a new version of a document."""

    file = FileField(_l("File"))
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=500)])


class DocumentForm(FlaskForm):
    """Rename a document or say which template it fulfils."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    template_id = SelectField(_l("Fulfils the template"), coerce=int, default=0)
