"""Forms of the messages plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from core.concurrency import version_field

BODY_MAX = 20000


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Message (markdown)"),
                         validators=[DataRequired(), Length(max=BODY_MAX)])
    attachment = FileField(_l("Attach a file (optional)"))


class NewConversationForm(ReplyForm):
    # choices are the programme's members; checked in the view for a clear message
    recipient = SelectField(_l("To"), coerce=int, validate_choice=False,
                            validators=[DataRequired()])


class BroadcastForm(FlaskForm):
    audience = SelectField(_l("Send to"), validate_choice=False, validators=[DataRequired()])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message (markdown)"),
                         validators=[DataRequired(), Length(max=BODY_MAX)])


class PreferenceForm(FlaskForm):
    email = RadioField(_l("E-mail me about new messages and announcements"), choices=[
        ("immediately", _l("Immediately")),
        ("daily", _l("Once a day, in a summary")),
        ("off", _l("Never; I read them on the site")),
    ], default="immediately")
    version = version_field()  # of the member's preference row (0: none yet)


class ReportForm(FlaskForm):
    details = TextAreaField(_l("What happened?"),
                            validators=[DataRequired(), Length(min=10, max=5000)])


class NudgeSettingsForm(FlaskForm):
    inactive_days = IntegerField(_l("Days without activity before a friendly reminder"),
                                 validators=[DataRequired(), NumberRange(min=1, max=365)])
    version = version_field()  # the programme's
