"""Transcripts as plain text and CSV (safe against spreadsheet formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _

from plugins.chat.models import ChatMessage

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _name(user: Any) -> str:
    return user.name if user is not None else _("deleted user")


def to_text(title: str, day: date, messages: Sequence[ChatMessage]) -> str:
    """A readable transcript: a heading, then one ``[HH:MM] Name: text`` block a message."""
    lines = [title, _("Transcript of %(day)s (times in UTC)", day=day.isoformat()), ""]
    for m in messages:
        head = f"[{m.created_at:%H:%M}] {_name(m.author)}: "
        if m.removed:
            head += _("[removed by %(name)s at %(time)s]", name=_name(m.removed_by),
                      time=f"{m.removed_at:%H:%M}") + " "
        body = m.body.replace("\n", "\n    ")
        lines.append(head + body)
    if not messages:
        lines.append(_("No messages."))
    return "\n".join(lines) + "\n"


def to_csv(messages: Iterable[ChatMessage]) -> bytes:
    """CSV bytes (UTF-8 with a byte-order mark, so spreadsheets read accents)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_("Id"), _("Time (UTC)"), _("Author"), _("Message"), _("Removed at"),
                     _("Removed by")])
    for m in messages:
        writer.writerow([neutralise(v) for v in (
            m.id, m.created_at.isoformat(sep=" ", timespec="seconds"), _name(m.author), m.body,
            m.removed_at.isoformat(sep=" ", timespec="seconds") if m.removed_at else "",
            _name(m.removed_by) if m.removed else "",
        )])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
