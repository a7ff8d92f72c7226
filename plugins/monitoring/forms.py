"""Forms of the monitoring plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.concurrency import version_field
from plugins.monitoring.instrument import ITEMS

FEELINGS = [("1", _l("1 – very bad")), ("2", _l("2 – bad")), ("3", _l("3 – okay")),
            ("4", _l("4 – good")), ("5", _l("5 – very good"))]
LIKERT = [("1", _l("1 – not at all true")), ("2", _l("2")), ("3", _l("3")), ("4", _l("4")),
          ("5", _l("5 – completely true"))]
STATUS_CHOICES = [("", _l("Not recorded")), ("in_work", _l("In work")),
                  ("in_education", _l("In education or training")),
                  ("neither", _l("Neither in work nor in education")), ("other", _l("Other"))]


class DiaryForm(FlaskForm):
    what_we_did = TextAreaField(_l("What we did"), validators=[DataRequired(),
                                                               Length(max=5000)])
    what_i_learned = TextAreaField(_l("What I learned"), validators=[DataRequired(),
                                                                     Length(max=5000)])
    next_step = TextAreaField(_l("My next step"), validators=[DataRequired(), Length(max=2000)])
    feeling = RadioField(_l("How do I feel after this session?"), choices=FEELINGS,
                         validators=[InputRequired()])
    notes = TextAreaField(_l("Anything else (markdown)"), validators=[Optional(),
                                                                      Length(max=10000)])
    version = version_field()


class ReportForm(FlaskForm):
    progress = TextAreaField(_l("Progress against the session plan (markdown)"),
                             validators=[DataRequired(), Length(max=10000)])
    attendance_note = TextAreaField(_l("Attendance"), validators=[Optional(), Length(max=2000)])
    concerns = TextAreaField(_l("Concerns (markdown)"), validators=[Optional(),
                                                                   Length(max=10000)])
    version = version_field()


def questionnaire_form():  # noqa: ANN201
    """A form class with one required Likert radio group per questionnaire item."""

    class QuestionnaireForm(FlaskForm):
        pass

    for key, _dim, text in ITEMS:
        setattr(QuestionnaireForm, key, RadioField(text, choices=LIKERT,
                                                   validators=[InputRequired()]))
    return QuestionnaireForm


class SurveyPointForm(FlaskForm):
    label = StringField(_l("Label (for example “Week 2”, “Middle”, “End”)"),
                        validators=[DataRequired(), Length(max=120)])
    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (optional)"), validators=[Optional()])


class OutcomeForm(FlaskForm):
    mentee_id = HiddenField()
    status_start = SelectField(_l("Status at the start"), choices=STATUS_CHOICES,
                               validators=[Optional()])
    status_end = SelectField(_l("Status at the end"), choices=STATUS_CHOICES,
                             validators=[Optional()])
    competences = TextAreaField(_l("Competences worked on (one per line)"),
                                validators=[Optional(), Length(max=4000)])
    completed = BooleanField(_l("Completed the programme"))
    version = version_field()  # of the fields above (0: no outcome yet)


class GoalForm(FlaskForm):
    title = StringField(_l("Goal"), validators=[DataRequired(), Length(max=200)])
    progress = IntegerField(_l("Progress in per cent (0–100)"), default=0,
                            validators=[InputRequired(), NumberRange(min=0, max=100)])


class GoalProgressForm(FlaskForm):
    progress = IntegerField(_l("Progress in per cent (0–100)"),
                            validators=[InputRequired(), NumberRange(min=0, max=100)])
    version = version_field()  # of the progress
