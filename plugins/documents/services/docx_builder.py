"""Write simple, printable DOCX forms from a list of blocks (python-docx)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document as DocxDocument
from docx.shared import Pt


def _table(doc: Any, headers: list[str], rows: list[list[str]], widths: int = 0) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    doc.add_paragraph()


def build_docx(title: str, blocks: list[tuple], footer: str = "") -> bytes:
    """Return the bytes of a DOCX form.

    Blocks: ``("p", text)``, ``("h", text)``, ``("bullets", [text…])``,
    ``("fields", [label…])`` (label and an empty cell to write in),
    ``("table", [header…], rows)`` where rows is a number of empty rows or a list of rows,
    ``("box", label, lines)`` (a labelled space for free text) and
    ``("signatures", [role…])``.
    """
    doc = DocxDocument()
    doc.core_properties.title = title
    doc.core_properties.author = "ementoring"
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(title, level=0)
    for block in blocks:
        kind = block[0]
        if kind == "p":
            doc.add_paragraph(block[1])
        elif kind == "h":
            doc.add_heading(block[1], level=1)
        elif kind == "bullets":
            for text in block[1]:
                doc.add_paragraph(text, style="List Bullet")
        elif kind == "fields":
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label in block[1]:
                cells = table.add_row().cells
                cells[0].text = ""
                cells[0].paragraphs[0].add_run(label).bold = True
                cells[1].text = ""
            doc.add_paragraph()
        elif kind == "table":
            headers, rows = block[1], block[2]
            if isinstance(rows, int):
                rows = [[""] * len(headers) for _ in range(rows)]
            _table(doc, headers, rows)
        elif kind == "box":
            doc.add_paragraph().add_run(block[1]).bold = True
            _table(doc, [""], [[""] for _ in range(block[2])])
        elif kind == "signatures":
            _table(doc, ["Role", "Name", "Signature", "Date"],
                   [[role, "", "", ""] for role in block[1]])
        else:
            raise ValueError(f"unknown block {kind!r}")
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
