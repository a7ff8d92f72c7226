"""A worksheet schema turned into a Flask-WTF form, and form data into stored JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.concurrency import version_field
from core.worksheets.schema import Field, Schema, as_decimal

EXTRA_ROWS = 2


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attr(name: str) -> str:
    """The form attribute (and HTML name) of a schema field."""
    return f"f_{name}"


def _field(spec: Field) -> Any:
    kw: dict[str, Any] = {"description": spec.help}
    if spec.kind == "text":
        return StringField(spec.label, [Optional(), Length(max=spec.max_length)], **kw)
    if spec.kind == "textarea":
        return TextAreaField(spec.label, [Optional(), Length(max=spec.max_length)], **kw)
    if spec.kind == "number":
        return DecimalField(spec.label, [Optional(), NumberRange(spec.minimum, spec.maximum)],
                            places=2, **kw)
    if spec.kind == "date":
        return DateField(spec.label, [Optional()], **kw)
    if spec.kind == "choice":
        return SelectField(spec.label, [Optional()], choices=[("", _l("Choose…"))]
                           + list(spec.choices), **kw)
    if spec.kind == "choices":
        return CheckboxesField(spec.label, [Optional()], choices=list(spec.choices), **kw)
    row = type(f"Row_{spec.name}", (Form,), {attr(c.name): _field(c) for c in spec.columns})
    return FieldList(FormField(row), spec.label, min_entries=0, **kw)


def form_class(schema: Schema) -> type[FlaskForm]:
    """A FlaskForm class with one field per schema field (named ``f_<name>``)."""
    return type(f"Worksheet_{schema.key}", (FlaskForm,),
                {attr(f.name): _field(f) for f in schema.fields} | {"version": version_field()})


def _initial(spec: Field, value: Any) -> Any:
    if spec.kind == "number":
        return as_decimal(value)
    if spec.kind == "date":
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None
    if spec.kind == "choices":
        return list(value or [])
    if spec.kind == "table":
        rows = [{attr(c.name): _initial(c, r.get(c.name)) for c in spec.columns}
                for r in (value or [])]
        rows += [{}] * max(spec.min_rows - len(rows), EXTRA_ROWS)
        return rows
    return value


def build_form(schema: Schema, data: dict[str, Any] | None, submitted: bool) -> FlaskForm:
    """The form for a worksheet: the request's input when ``submitted``, else the
    saved answers (tables get empty rows to add more)."""
    cls = form_class(schema)
    if submitted:
        return cls()
    data = data or {}
    return cls(data={attr(f.name): _initial(f, data.get(f.name)) for f in schema.fields})


def _value(spec: Field, field: Any) -> Any:
    if spec.kind == "table":
        rows = []
        for entry in field.entries:
            row = {c.name: _value(c, entry.form[attr(c.name)]) for c in spec.columns}
            if any(v not in (None, "", []) for v in row.values()):
                rows.append(row)
        return rows
    value = field.data
    if spec.kind == "number":
        return None if value is None else format(Decimal(value).quantize(Decimal("0.01")), "f")
    if spec.kind == "date":
        return value.isoformat() if value else None
    if spec.kind == "choices":
        return list(value or [])
    return (value or "").strip()


def form_data(schema: Schema, form: FlaskForm) -> dict[str, Any]:
    """The answers of a validated form as JSON-able data: numbers as exact text,
    dates in ISO format, tables without empty rows."""
    return {f.name: _value(f, form[attr(f.name)]) for f in schema.fields}
