"""The template library: publishing, downloading, refusing filled-in copies, the default
set written with python-docx, and the live guide page."""

from __future__ import annotations

import html
import io

from docx import Document as DocxDocument

from core.extensions import db
from core.models import StoredFile
from core.storage import path_of
from plugins.documents.models import DocTemplate, Document
from tests.plugins.documents.helpers import DOCX, PDF, add_document, store_listing


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _lib(docs, tail: str = "") -> str:
    return f"/documents/library/{docs.library.id}{tail}"


def test_library_lists_templates_with_who_and_where(docs, login_as):
    text = _text(login_as(docs.mentee_b).get(_lib(docs)))
    assert "Templates are for download only." in text
    for title in ("Mentoring contract", "Session plan", "Monitoring report",
                  "Relationship questionnaire"):
        assert title in text
    assert "Toolbar for monitoring the mentoring process" in text
    assert "signed scan needed" in text
    assert "Publish a template" not in text
    assert "Publish a template" in _text(login_as(docs.manager).get(_lib(docs)))


def test_template_download(docs, login_as):
    resp = login_as(docs.mentee_a).get(_lib(docs, f"/templates/{docs.contract.id}/download"))
    assert resp.status_code == 200
    assert resp.data == PDF
    assert 'filename=mentoring-contract.pdf' in resp.headers["Content-Disposition"]
    assert resp.headers["Content-Disposition"].startswith("attachment")


def _attempt(client, docs, url: str):
    before_rows = db.session.scalar(db.select(db.func.count(StoredFile.id)))
    before_files = store_listing()
    resp = client.post(url, data={"file": (io.BytesIO(PDF + b"filled"), "my-contract.pdf")},
                       content_type="multipart/form-data")
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == before_rows
    assert store_listing() == before_files
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0
    return resp


def test_filled_copy_uploaded_to_the_library_is_refused_and_named(docs, login_as):
    resp = _attempt(login_as(docs.mentor_a), docs,
                    _lib(docs, f"/templates/{docs.contract.id}/filled"))
    assert resp.status_code == 409
    text = _text(resp)
    assert "Nothing was stored" in text
    assert ("A filled-in copy of “Mentoring contract” belongs in “Toolbar for managing the "
            "mentoring process”.") in text
    # the mentor gets a link to the right place for their group
    assert f"/documents/folder/{docs.managing.id}/groups/{docs.group_a.id}" in text
    assert f"/groups/{docs.group_b.id}" not in text


def test_filled_copy_refusal_for_mentees_points_to_the_forum(docs, login_as):
    resp = _attempt(login_as(docs.mentee_a), docs,
                    _lib(docs, f"/templates/{docs.report.id}/filled"))
    assert resp.status_code == 409
    text = _text(resp)
    assert "belongs in “Toolbar for monitoring the mentoring process”" in text
    assert "forum attachment" in text
    assert "/documents/folder/" not in text


def test_any_upload_to_the_library_is_refused(docs, login_as):
    resp = _attempt(login_as(docs.manager), docs, _lib(docs, "/filled"))
    assert resp.status_code == 409
    text = _text(resp)
    assert "Toolbar for managing the mentoring process" in text
    assert "Toolbar for monitoring the mentoring process" in text


def test_hand_in_page_explains_before_anyone_tries(docs, login_as):
    resp = login_as(docs.mentee_a).get(_lib(docs, f"/templates/{docs.contract.id}/filled"))
    assert resp.status_code == 200
    text = _text(resp)
    assert "Nothing was stored" not in text
    assert ("goes to “Toolbar for managing the mentoring process” in the section “Initial "
            "mentoring and management session”. It is uploaded by the mentor.") in text
    assert "needs signatures" in text


def test_publish_a_template(docs, login_as):
    client = login_as(docs.manager)
    resp = client.post(_lib(docs, "/templates/new"), data={
        "file": (io.BytesIO(DOCX), "attendance.docx"), "title": "Attendance sheet",
        "description": "One line per **session**.", "filled_by": "manager",
        "mandatory": "y", "folder_id": str(docs.managing.id),
    }, content_type="multipart/form-data")
    assert resp.status_code == 302
    t = db.session.execute(db.select(DocTemplate).where(DocTemplate.title == "Attendance sheet")) \
        .scalar_one()
    assert (t.filled_by, t.mandatory, t.needs_signature, t.folder_id, t.position) == (
        "manager", True, False, docs.managing.id, 4)
    assert "<strong>session</strong>" in t.description_html
    assert t.file.original_name == "attendance.docx"
    assert "Attendance sheet" in _text(client.get(_lib(docs)))


def test_publish_needs_a_valid_file(docs, login_as):
    client = login_as(docs.manager)
    form = {"title": "No file", "filled_by": "mentor", "folder_id": "0"}
    resp = client.post(_lib(docs, "/templates/new"), data=form,
                       content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "Choose a file to upload." in _text(resp)
    resp = client.post(_lib(docs, "/templates/new"),
                       data={**form, "file": (io.BytesIO(b"<html>"), "x.html")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count(DocTemplate.id))) == 4


def test_edit_replaces_the_file_and_removes_the_old_bytes(docs, login_as):
    old_path = path_of(docs.contract.file)
    client = login_as(docs.manager)
    resp = client.post(_lib(docs, f"/templates/{docs.contract.id}/edit"), data={
        "file": (io.BytesIO(DOCX), "contract-2026.docx"), "title": "Mentoring contract",
        "filled_by": "mentor", "mandatory": "y", "needs_signature": "y",
        "folder_id": str(docs.managing.id),
    }, content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.expire_all()
    t = db.session.get(DocTemplate, docs.contract.id)
    assert t.file.original_name == "contract-2026.docx"
    assert not old_path.exists()


def test_edit_without_a_file_keeps_it(docs, login_as):
    file_id = docs.plan.stored_file_id
    resp = login_as(docs.manager).post(_lib(docs, f"/templates/{docs.plan.id}/edit"), data={
        "title": "Session plan", "filled_by": "mentor", "folder_id": "0"})
    assert resp.status_code == 302
    db.session.expire_all()
    t = db.session.get(DocTemplate, docs.plan.id)
    assert (t.stored_file_id, t.mandatory, t.folder_id) == (file_id, False, None)


def test_remove_template_asks_first_and_keeps_group_documents(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan)
    client = login_as(docs.manager)
    url = _lib(docs, f"/templates/{docs.plan.id}/delete")
    assert "stay in their folders" in _text(client.get(url))
    assert db.session.get(DocTemplate, docs.plan.id) is not None
    client.post(url)
    db.session.expire_all()
    assert db.session.get(DocTemplate, docs.plan.id) is None
    kept = db.session.get(Document, doc.id)
    assert kept is not None and kept.template_id is None
    positions = db.session.execute(
        db.select(DocTemplate.title, DocTemplate.position).order_by(DocTemplate.position)).all()
    assert [p for _t, p in positions] == [0, 1, 2]


def test_move_template(docs, login_as):
    login_as(docs.manager).post(_lib(docs, f"/templates/{docs.report.id}/move/up"))
    db.session.expire_all()
    order = db.session.execute(db.select(DocTemplate.title).order_by(DocTemplate.position)) \
        .scalars().all()
    assert order[:3] == ["Mentoring contract", "Monitoring report", "Session plan"]


def test_install_the_default_set(docs, login_as, make):
    empty = make.activity(docs.programme, "documents.library", title="Second library")
    client = login_as(docs.manager)
    page = _text(client.get(f"/documents/library/{empty.id}"))
    assert "No templates have been published here yet." in page
    assert "Install the default template set" in page
    client.post(f"/documents/library/{empty.id}/install-defaults")
    templates = db.session.execute(
        db.select(DocTemplate).where(DocTemplate.activity_id == empty.id)
        .order_by(DocTemplate.position)).scalars().all()
    assert [t.title for t in templates] == [
        "Mentoring contract", "List of participants", "Session plan", "Mentee diary",
        "Monitoring report", "Relationship-quality questionnaire", "Final evaluation"]
    by_title = {t.title: t for t in templates}
    assert by_title["Mentoring contract"].needs_signature
    assert by_title["List of participants"].filled_by == "manager"
    assert by_title["Mentee diary"].filled_by == "mentee"
    assert not by_title["Relationship-quality questionnaire"].mandatory
    assert by_title["Session plan"].folder_id == docs.managing.id
    assert by_title["Final evaluation"].folder_id == docs.monitor.id
    for t in templates:
        assert t.file.original_name.endswith(".docx")
        word = DocxDocument(str(path_of(t.file)))
        body = "\n".join(p.text for p in word.paragraphs)
        cells = " ".join(c.text for tb in word.tables for row in tb.rows for c in row.cells)
        assert t.title in body
        assert len(body) + len(cells) > 350  # real content, not a placeholder
        assert word.tables, f"{t.title} has no form tables"
    contract = DocxDocument(str(path_of(by_title["Mentoring contract"].file)))
    cells = {c.text for table in contract.tables for row in table.rows for c in row.cells}
    assert {"Mentee", "Mentor", "Manager", "Signature"} <= cells
    # a second install adds nothing
    client.post(f"/documents/library/{empty.id}/install-defaults")
    assert db.session.scalar(db.select(db.func.count(DocTemplate.id))
                             .where(DocTemplate.activity_id == empty.id)) == 7


def test_cli_installs_the_default_set(app, docs, make):
    lib = make.activity(docs.programme, "documents.library", title="CLI library")
    result = app.test_cli_runner().invoke(args=["documents", "install-defaults", str(lib.id)])
    assert result.exit_code == 0, result.output
    assert "7 templates added" in result.output
    bad = app.test_cli_runner().invoke(args=["documents", "install-defaults",
                                            str(docs.managing.id)])
    assert bad.exit_code != 0 and "not a template library" in bad.output


def test_guide_is_built_from_the_records(docs, login_as):
    client = login_as(docs.mentee_a)
    url = f"/documents/p/{docs.programme.id}/guide"
    text = _text(client.get(url))
    mandatory, optional = text.split("Optional documents", 1)[0], text.split(
        "Optional documents", 1)[1]
    assert "Mentoring contract" in mandatory and "Session plan" in mandatory
    assert "Relationship questionnaire" in optional.split("Group toolbars")[0]
    assert "sent to the mentor as a forum attachment" in text
    assert "Upload the signed scan" in text or "upload the signed scan" in text
    assert "Monitoring sessions" in text  # the section where the monitoring toolbar lives
    assert "Checklist of Group A" in text and "Checklist of Group B" not in text
    # change a record: the page follows
    docs.plan.mandatory = False
    db.session.commit()
    text = _text(client.get(url))
    optional = text.split("Optional documents", 1)[1].split("Group toolbars")[0]
    assert "Session plan" in optional


def test_guide_without_templates_has_empty_states(world, login_as):
    text = _text(login_as(world["manager"]).get(
        f"/documents/p/{world['programme'].id}/guide"))
    assert "No mandatory documents have been set." in text
    assert "No upload folders have been added to the course yet." in text
