"""Forms of the course shell and administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.concurrency import version_field
from core.i18n import language_choices
from core.labels import GROUP_STATUS_LABELS
from core.models.programmes import GROUP_STATUSES
from core.validators import EmailAddress

ROLE_CHOICES = [("mentee", _l("Mentee")), ("mentor", _l("Mentor")), ("manager", _l("Manager"))]
GROUP_MODE_CHOICES = [
    ("shared", _l("Shared by the whole programme")),
    ("separate", _l("Separate for each mentoring group")),
]
STATUS_CHOICES = [("draft", _l("Draft")), ("active", _l("Active")), ("closed", _l("Closed"))]


def _profile_languages() -> list[tuple[str, str]]:
    return [("", str(_l("As my browser asks"))), *language_choices()]


class SectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary (markdown)"), validators=[Optional(), Length(max=20000)])
    visible = BooleanField(_l("Visible to participants"), default=True)
    version = version_field()


class ActivityForm(FlaskForm):
    type = SelectField(_l("Type"), validators=[DataRequired()])
    section_id = SelectField(_l("Section"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (markdown)"),
                                validators=[Optional(), Length(max=20000)])
    group_mode = SelectField(_l("Group mode"), choices=GROUP_MODE_CHOICES, default="shared")
    visible = BooleanField(_l("Visible to participants"), default=True)
    version = version_field()


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token confirms a deletion."""


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=120)])
    version = version_field()


class GroupStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s, GROUP_STATUS_LABELS[s])
                                                for s in GROUP_STATUSES], default="active")
    version = version_field()


class GroupMemberForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int, validators=[DataRequired()])


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="mentee")
    group_id = SelectField(_l("Mentoring group (optional)"), coerce=int, default=0)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=_profile_languages, validators=[Optional()])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    version = version_field()


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class ProgrammeForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    language = SelectField(_l("Language"), choices=language_choices, default="en")
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="active")
    version = version_field()

    def validate_ends_on(self, field) -> None:  # noqa: ANN001
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    is_site_admin = BooleanField(_l("Site administrator"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
