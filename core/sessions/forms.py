"""Forms of the session pages: a session, holding it, the plan editor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

MODE_CHOICES = [
    ("face_to_face", _l("Face to face")),
    ("online", _l("Online")),
    ("blended", _l("Blended")),
]
ATTENDANCE_CHOICES = [
    ("present", _l("Present")),
    ("absent", _l("Absent")),
    ("excused", _l("Excused")),
]


def combine(day: Any, time: Any) -> datetime | None:
    """A start time from a date and a time field (None without a date)."""
    if day is None:
        return None
    return datetime.combine(day, time or datetime.min.time())


class _WhenMixin:
    """Date and time that go together: a time needs a date and a date a time."""

    def validate_time(self, field) -> None:  # noqa: ANN001
        if field.data and not self.date.data:
            raise ValidationError(_l("Give the date as well."))

    def validate_date(self, field) -> None:  # noqa: ANN001
        if field.data and not self.time.data:
            raise ValidationError(_l("Give the starting time as well."))


class SessionForm(_WhenMixin, FlaskForm):
    type = SelectField(_l("Type of session"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("Leave empty to use the name of the session type."))
    date = DateField(_l("Date"), validators=[Optional()])
    time = TimeField(_l("Starting time"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Duration in minutes"), default=60,
                                    validators=[DataRequired(), NumberRange(10, 600)])
    mode = SelectField(_l("Mode"), choices=MODE_CHOICES, default="face_to_face")
    location = StringField(_l("Place or link"), validators=[Optional(), Length(max=500)],
                           description=_l("An address for a meeting in person, a web link "
                                          "for an online meeting."))
    agenda = TextAreaField(_l("Agenda (markdown)"), validators=[Optional(), Length(max=20000)])
    mentee_id = SelectField(_l("With"), coerce=int, default=0)


class PlanRowForm(Form):
    """One row of the plan editor; ``session_id`` is empty for a new session."""

    session_id = HiddenField()
    order = IntegerField(_l("Order"), validators=[Optional(), NumberRange(0, 999)])
    type = SelectField(_l("Type of session"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    date = DateField(_l("Date"), validators=[Optional()])
    time = TimeField(_l("Starting time"), validators=[Optional()])
    remove = BooleanField(_l("Remove"))

    def validate_time(self, field) -> None:  # noqa: ANN001
        if field.data and not self.date.data:
            raise ValidationError(_l("Give the date as well."))


class PlanForm(FlaskForm):
    rows = FieldList(FormField(PlanRowForm), min_entries=0)
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=500)])


def attendance_form(members: list[Any], current: dict[int, str], notes: str,
                    formdata: Any = None) -> FlaskForm:
    """A form with one present/absent/excused choice per expected member and the
    mentor's notes; fields are named ``attendance-<user id>``."""

    class AttendanceForm(FlaskForm):
        notes = TextAreaField(_l("Mentor's notes (markdown)"),
                              validators=[Optional(), Length(max=50000)],
                              description=_l("Seen by the group's mentor and manager only."))

    for m in members:
        setattr(AttendanceForm, f"attendance-{m.user_id}", RadioField(
            m.user.name, choices=ATTENDANCE_CHOICES,
            default=current.get(m.user_id, "present"), validators=[DataRequired()],
        ))
    form = AttendanceForm(formdata=formdata) if formdata is not None else AttendanceForm()
    if not form.is_submitted():
        form.notes.data = notes
    return form
