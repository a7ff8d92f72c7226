"""Demo content: the template library with the default set, the two group toolbars and
a few documents in them, so that checklists show every state."""

from __future__ import annotations

import unicodedata
from typing import Any

from fpdf import FPDF

from core.extensions import db
from core.models import Activity
from core.text import render_markdown
from plugins.documents.models import DocTemplate
from plugins.documents.services.docx_builder import build_docx
from plugins.documents.services.folder import add_version, new_document
from plugins.documents.services.library import FOLDER, LIBRARY, install_default_set
from plugins.documents.services.uploads import committing, store_bytes

LIBRARY_TEXT = (
    "Blank templates for managing and monitoring the mentoring process. **Download only**: "
    "fill in a copy on your computer; filled-in and signed copies go to the group toolbars."
)
MANAGING_TEXT = (
    "Each group's filled-in and signed documents for managing the mentoring process: the "
    "signed mentoring contract and list of participants, the session plan and the mentees' "
    "diaries. Only the manager and the mentor upload here."
)
MONITORING_TEXT = (
    "Each group's monitoring documents: monitoring reports, relationship-quality "
    "questionnaires and the final evaluation. Only the manager and the mentor upload here."
)


def _activity(programme: Any, section: Any, type_: str, title: str, text: str,
              mode: str) -> Activity:
    activity = Activity(
        section_id=section.id, programme_id=programme.id, type=type_, plugin="documents",
        title=title, description_source=text, description_html=render_markdown(text),
        group_mode=mode, position=len(section.activities), settings={},
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def scanned_pdf(title: str, lines: list[str], signers: list[str]) -> bytes:
    """A one-page PDF standing in for a scanned, signed document."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, _ascii(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in lines:
        pdf.multi_cell(0, 7, _ascii(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    for name in signers:
        pdf.cell(0, 9, _ascii(f"Signed: {name}  ________________________"),
                 new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _upload(folder: Activity, group: Any, template: DocTemplate | None, user: Any,
            name: str, data: bytes, note: str = "", doc: Any = None) -> Any:
    stored = store_bytes(data, name, programme_id=folder.programme_id, user=user, rate=False)
    with committing([stored]):
        if doc is None:
            doc = new_document(folder, group.id, title=template.title if template else name,
                               template=template, user=user)
        add_version(doc, stored, user, note)
    return doc


def build(programme: Any, users: dict[str, Any]) -> None:
    """Add the library, both toolbars and sample documents to the demo programme."""
    sections = users["sections"]
    library = _activity(programme, sections["tools"], LIBRARY,
                        "Templates for managing and monitoring the mentoring process",
                        LIBRARY_TEXT, "shared")
    managing = _activity(programme, sections["initial"], FOLDER,
                         "Toolbar for managing the mentoring process", MANAGING_TEXT, "separate")
    _activity(programme, sections["monitoring"], FOLDER,
              "Toolbar for monitoring the mentoring process", MONITORING_TEXT, "separate")
    db.session.commit()
    templates = {t.title: t for t in install_default_set(library, users["manager"])}
    group_a, group_b = users["groups"]
    mentor1, mentor2, manager = users["mentor1"], users["mentor2"], users["manager"]
    names = [users[k].display_name for k in ("mentee1", "mentee2")]
    contract = templates["Mentoring contract"]
    _upload(managing, group_a, contract, mentor1, "mentoring-contract-group-a-signed.pdf",
            scanned_pdf("Mentoring contract - Group A",
                        ["Goals: first job in logistics; interview practice.",
                         "We meet every second Tuesday, face to face or in the chat."],
                        names + [mentor1.display_name, manager.display_name]),
            note="Signed at the initial session and scanned.")
    _upload(managing, group_a, templates["List of participants"], manager,
            "list-of-participants-group-a-signed.pdf",
            scanned_pdf("List of participants - Group A", ["Initial session, community centre."],
                        names + [mentor1.display_name, manager.display_name]))
    plan = templates["Session plan"]
    doc = _upload(managing, group_a, plan, mentor1, "session-plan-group-a.docx",
                  build_docx("Session plan - Group A", [
                      ("p", "1. Skills and interests. 2. CV and cover letter. 3. Job search. "
                            "4. Monitoring (halfway)."),
                  ]), note="First plan agreed at the initial session.")
    _upload(managing, group_a, plan, mentor1, "session-plan-group-a-v2.docx",
            build_docx("Session plan - Group A (updated)", [
                ("p", "1. Skills and interests. 2. CV and cover letter. 3. Business idea. "
                      "4. Business model canvas. 5. Job search. 6. Monitoring (halfway)."),
            ]), note="Added two entrepreneurship sessions at the mentees' request.", doc=doc)
    _upload(managing, group_b, contract, mentor2, "mentoring-contract-group-b.docx",
            build_docx("Mentoring contract - Group B", [
                ("p", "Draft filled in together; to be signed at the next meeting."),
            ]), note="Draft; the signed scan follows.")
