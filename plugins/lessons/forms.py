"""Forms of the lessons plugin."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from core.i18n import language_choices

TRACK_CHOICES = [
    ("manager", _l("Managers")), ("mentor", _l("Mentors")), ("mentee", _l("Mentees")),
    ("all", _l("Everyone")),
]


def _unix_newlines(value: str | None) -> str | None:
    """Browsers send CRLF from text areas; store LF so exported files diff cleanly."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class LessonSettingsForm(FlaskForm):
    track = SelectField(_l("Track"), choices=TRACK_CHOICES, default="all")
    language = SelectField(_l("Language of this lesson"), choices=language_choices, default="en")
    translation_of = SelectField(_l("Translation of"), coerce=int, default=0)
    key = StringField(_l("Key"), validators=[
        DataRequired(), Length(max=60),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l(
            "Use lower-case letters, digits and hyphens only."))])


class ChapterForm(FlaskForm):
    title = StringField(_l("Chapter title"), validators=[DataRequired(), Length(max=200)])


class PageForm(FlaskForm):
    title = StringField(_l("Page title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text (markdown)"), filters=[_unix_newlines],
                         validators=[Optional(), Length(max=100000)],
                         render_kw={"rows": 20})


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Question"), filters=[_unix_newlines],
                         validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 3})


class ImageForm(FlaskForm):
    file = FileField(_l("Image (PNG, JPEG, GIF or WebP)"))
    name = StringField(_l("Name used in the text (optional)"), validators=[Optional(),
                                                                          Length(max=100)])


class ImportForm(FlaskForm):
    file = FileField(_l("Lesson (zip of a lesson folder)"))
    section_id = SelectField(_l("Section"), coerce=int, validators=[DataRequired()])


class TranslateForm(FlaskForm):
    language = SelectField(_l("Language of the copy"), choices=language_choices)


def reflection_form(questions: list[Any], entries: dict[int, Any], can_share: bool
                    ) -> FlaskForm:
    """A form with an answer field (and, when the learner has a mentor, a sharing
    box) for each question, filled with the learner's journal."""

    class ReflectionForm(FlaskForm):
        pass

    data: dict[str, Any] = {}
    for q in questions:
        setattr(ReflectionForm, f"answer_{q.id}", TextAreaField(
            q.text, filters=[_unix_newlines], validators=[Optional(), Length(max=20000)],
            render_kw={"rows": 6}))
        if can_share:
            setattr(ReflectionForm, f"share_{q.id}",
                    BooleanField(_l("Share this answer with my mentor")))
        entry = entries.get(q.id)
        if entry is not None:
            data[f"answer_{q.id}"] = entry.answer_source
            data[f"share_{q.id}"] = entry.shared_with_mentor
    return ReflectionForm(data=data)
