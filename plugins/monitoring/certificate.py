"""Certificates of participation as PDF, verifiable by a code."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF

_FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


def new_code() -> str:
    """A random, unguessable verification code."""
    return secrets.token_urlsafe(12)


def _unicode_font(pdf: FPDF) -> str:
    """Register DejaVu Sans when the system has it (for Czech, Bulgarian…), else Helvetica."""
    for d in _FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return "Helvetica"


def _latin(text: str, font: str) -> str:
    if font != "Helvetica":
        return text
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(cert: Any, verify_url: str) -> bytes:
    """Render a certificate: holder, programme, sessions held, competences, code and URL."""
    pdf = FPDF(format="A4")
    pdf.set_title(_("Certificate of participation"))
    pdf.add_page()
    font = _unicode_font(pdf)
    t = lambda s: _latin(str(s), font)  # noqa: E731
    pdf.set_font(font, "B", 24)
    pdf.cell(0, 18, t(_("Certificate of participation")), new_x="LMARGIN", new_y="NEXT",
             align="C")
    pdf.set_font(font, "", 13)
    pdf.ln(4)
    pdf.multi_cell(0, 8, t(_("This certifies that %(name)s took part in the mentoring "
                             "programme “%(programme)s”.", name=cert.holder_name,
                             programme=cert.programme_title)),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(font, "B", 14)
    pdf.cell(0, 10, t(_("Sessions held")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 11)
    for s in cert.sessions or [_("No sessions recorded.")]:
        line = s if isinstance(s, str) else f"{s.get('date', '')}  {s.get('title', '')}"
        pdf.multi_cell(0, 6, t(f"• {line}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(font, "B", 14)
    pdf.cell(0, 10, t(_("Competences worked on")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 11)
    for c in cert.competences or [_("Not recorded.")]:
        pdf.multi_cell(0, 6, t(f"• {c}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(font, "", 10)
    pdf.multi_cell(0, 6, t(_("Issued on %(date)s. Verification code: %(code)s",
                             date=cert.issued_at.strftime("%Y-%m-%d"), code=cert.code)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, t(_("Check this certificate at %(url)s", url=verify_url)),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
