"""Forms of the matching plugin."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.concurrency import version_field
from plugins.matching.models import PROFILE_FIELDS
from plugins.matching.services.profiles import (
    AVAILABILITY,
    FIELD_LABELS,
    LEVEL_LABELS,
    VISIBILITY_LABELS,
)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes, each with its own label."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _visibility_choices() -> list[tuple[str, Any]]:
    return list(VISIBILITY_LABELS.items())


class ProfileForm(FlaskForm):
    headline = StringField(_l("Headline"), validators=[Optional(), Length(max=160)],
                           description=_l("One line: who you are and what you do."))
    bio = TextAreaField(_l("About me (markdown)"), validators=[Optional(), Length(max=5000)])
    languages = MultiCheckboxField(_l("Languages I speak"), validators=[Optional()])
    interests = StringField(_l("Interests (separate with commas)"),
                            validators=[Optional(), Length(max=800)])
    availability = MultiCheckboxField(_l("When I am usually available"),
                                      choices=list(AVAILABILITY.items()),
                                      validators=[Optional()])
    goals = TextAreaField(_l("What I offer (mentors) or seek (mentees)"),
                          validators=[Optional(), Length(max=2000)])
    age_confirmed = BooleanField(_l("I confirm that I have reached the minimum age"))
    version = version_field()


def profile_form(slots: list[Any], seeking: bool, **kwargs: Any) -> ProfileForm:
    """A profile form with a level field per competence of the programme (and, for
    mentees, a "want to develop" box) and a visibility field per profile field."""

    class Form(ProfileForm):
        pass

    levels = [(0, _l("—"))] + [(k, v) for k, v in LEVEL_LABELS.items()]
    for slot in slots:
        setattr(Form, f"level_{slot.key}", SelectField(slot.name, choices=levels, coerce=int,
                                                       default=0))
        if seeking:
            setattr(Form, f"seek_{slot.key}", BooleanField(_l("I want to develop this")))
    for name in PROFILE_FIELDS:
        label = _l("Who sees: %(field)s", field=FIELD_LABELS[name])
        setattr(Form, f"vis_{name}", SelectField(label, choices=_visibility_choices()))
    return Form(**kwargs)


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG, WebP or GIF)"))


class OfferForm(FlaskForm):
    topics = StringField(_l("Topics I can help with (separate with commas)"),
                         validators=[DataRequired(), Length(max=900)])
    capacity = IntegerField(_l("How many mentees I take at once"), default=2,
                            validators=[DataRequired(), NumberRange(min=1, max=20)])
    open = BooleanField(_l("I am taking new mentees"), default=True)
    note = TextAreaField(_l("A note for mentees (optional)"),
                         validators=[Optional(), Length(max=1000)])
    version = version_field()


class RequestForm(FlaskForm):
    motivation = TextAreaField(
        _l("Why would you like this mentor? (a few sentences)"),
        validators=[DataRequired(), Length(min=20, max=1000)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=2000)])


class AcceptForm(FlaskForm):
    group_id = SelectField(_l("Mentoring group"), coerce=int, default=0)


class SettingsForm(FlaskForm):
    min_age = IntegerField(_l("Minimum age to offer or ask for mentoring (0: no rule)"),
                           default=0, validators=[Optional(), NumberRange(min=0, max=99)])
    pairing_weeks = IntegerField(_l("Weeks a new pairing runs"), default=10,
                                 validators=[DataRequired(), NumberRange(min=1, max=104)])
    version = version_field()  # the programme's


class CompetenceForm(FlaskForm):
    name = StringField(_l("Competence"), validators=[DataRequired(), Length(max=120)])


class ExtendForm(FlaskForm):
    weeks = IntegerField(_l("Extend by (weeks)"), default=4,
                         validators=[DataRequired(), NumberRange(min=1, max=52)])


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message (markdown)"), validators=[DataRequired(),
                                                               Length(max=10000)])
    attachment = FileField(_l("Attach a file (optional)"))


class PostForm(FlaskForm):
    body = TextAreaField(_l("Message (markdown)"), validators=[DataRequired(),
                                                               Length(max=10000)])


class RoundForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    weeks = IntegerField(_l("Number of weeks"), default=5,
                         validators=[DataRequired(), NumberRange(min=1, max=26)])
    version = version_field()


def round_form(weeks: int, **kwargs: Any) -> RoundForm:
    """The round form with a topic and guidance field for each week."""

    class Form(RoundForm):
        pass

    for week in range(1, weeks + 1):
        setattr(Form, f"topic_{week}", StringField(
            _l("Topic of week %(n)s", n=week), validators=[Optional(), Length(max=200)]))
        setattr(Form, f"guidance_{week}", TextAreaField(
            _l("Guidance for week %(n)s", n=week), validators=[Optional(), Length(max=2000)]))
    return Form(**kwargs)
