"""CSV and XLSX exports of dashboard figures, safe against formula injection."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def iter_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """CSV bytes line by line (UTF-8 with a byte-order mark, so spreadsheets read
    accents), for a streamed response."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    for row in itertools.chain([header], rows):
        writer.writerow([neutralise(v) for v in row])
        yield buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV of ``iter_csv`` as bytes."""
    return b"".join(iter_csv(header, rows))


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """An XLSX workbook with one sheet holding the same cells as the CSV; rows are
    written as they come (openpyxl's write-only mode), never held as cell objects."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    bold = Font(bold=True)
    first = []
    for h in header:
        cell = WriteOnlyCell(ws, value=neutralise(h))
        cell.font = bold
        first.append(cell)
    ws.append(first)
    for row in rows:
        ws.append([neutralise(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
