"""Group folders: uploading, versions, marking templates, trash and restore, the zip,
and downloads with the original name."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

from core.extensions import db
from core.models import Event, StoredFile
from plugins.documents.models import Document, DocumentVersion
from tests.plugins.documents.helpers import DOCX, PDF, add_document, folder_url, upload


def test_folder_redirects_to_the_users_group(docs, login_as):
    resp = login_as(docs.mentee_b).get(f"/documents/folder/{docs.managing.id}")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(folder_url(docs.managing, docs.group_b))


def test_folder_without_a_group_explains_why(docs, login_as, make):
    loner = make.member(docs.programme, "mentee", name="Loner")
    resp = login_as(loner).get(f"/documents/folder/{docs.managing.id}")
    assert resp.status_code == 200
    assert "not in a mentoring group yet" in resp.get_data(as_text=True)


def test_empty_folder_has_an_empty_state_and_upload_form_for_staff(docs, login_as):
    page = login_as(docs.mentor_a).get(folder_url(docs.managing, docs.group_a))
    text = page.get_data(as_text=True)
    assert "Nothing has been uploaded for Group A yet." in text
    assert 'enctype="multipart/form-data"' in text
    mentee = login_as(docs.mentee_a).get(folder_url(docs.managing, docs.group_a))
    text = mentee.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in text
    assert "forum attachments" in text


def test_upload_creates_a_document_with_its_template_title(docs, login_as):
    client = login_as(docs.mentor_a)
    resp = upload(client, docs.managing, docs.group_a, "plan.docx", DOCX,
                  template_id=docs.plan.id, note="Agreed on Tuesday")
    assert resp.status_code == 302
    doc = db.session.execute(db.select(Document)).scalar_one()
    assert (doc.title, doc.template_id, doc.group_id) == ("Session plan", docs.plan.id,
                                                           docs.group_a.id)
    version = doc.versions[0]
    assert (version.number, version.note, version.uploaded_by_id) == (1, "Agreed on Tuesday",
                                                                       docs.mentor_a.id)
    assert version.file.original_name == "plan.docx"
    assert version.file.storage_key != "plan.docx"
    page = client.get(folder_url(docs.managing, docs.group_a)).get_data(as_text=True)
    assert "plan.docx" in page and "Session plan" in page
    event = db.session.execute(db.select(Event).where(Event.name == "document_uploaded")) \
        .scalar_one()
    assert event.group_id == docs.group_a.id


def test_upload_without_template_takes_title_from_the_file(docs, login_as):
    upload(login_as(docs.manager), docs.managing, docs.group_a, "minutes_of_meeting.pdf")
    assert db.session.execute(db.select(Document.title)).scalar_one() == "minutes of meeting"


def test_reupload_for_the_same_template_keeps_earlier_versions(docs, login_as):
    client = login_as(docs.mentor_a)
    upload(client, docs.managing, docs.group_a, "plan-v1.docx", DOCX, template_id=docs.plan.id)
    resp = upload(client, docs.managing, docs.group_a, "plan-v2.docx", DOCX + b"2",
                  template_id=docs.plan.id)
    assert resp.status_code == 302
    doc = db.session.execute(db.select(Document)).scalar_one()
    assert [(v.number, v.file.original_name) for v in doc.versions] == [
        (2, "plan-v2.docx"), (1, "plan-v1.docx")]
    page = client.get(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}"))
    text = page.get_data(as_text=True)
    assert "Version 2" in text and "Version 1" in text
    assert text.index("plan-v2.docx") < text.index("plan-v1.docx")
    # both versions still download
    for v in doc.versions:
        got = client.get(folder_url(docs.managing, docs.group_a, f"/versions/{v.id}"))
        assert got.status_code == 200 and got.data == (DOCX + b"2" if v.number == 2 else DOCX)


def test_new_version_from_the_document_page(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    client = login_as(docs.mentor_a)
    resp = client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/versions"),
                       data={"file": (io.BytesIO(PDF + b"v2"), "contract-v2.pdf"),
                             "note": "Corrected the dates"},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.expire_all()
    versions = db.session.execute(
        db.select(DocumentVersion).order_by(DocumentVersion.number)).scalars().all()
    assert [(v.number, v.note) for v in versions] == [(1, "version 1"),
                                                       (2, "Corrected the dates")]


def test_edit_document_links_it_to_a_template(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, title="scan")
    client = login_as(docs.mentor_a)
    resp = client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/edit"),
                       data={"title": "Signed contract", "template_id": docs.contract.id})
    assert resp.status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert (doc.title, doc.template_id) == ("Signed contract", docs.contract.id)


def test_delete_asks_for_confirmation_and_goes_to_the_trash(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, versions=2)
    client = login_as(docs.mentor_a)
    url = folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/delete")
    page = client.get(url)
    assert page.status_code == 200
    assert "Move “Signed contract” and all its versions (2)" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Document, doc.id).deleted_at is None
    client.post(url)
    db.session.expire_all()
    assert db.session.get(Document, doc.id).deleted_by_id == docs.mentor_a.id
    listing = client.get(folder_url(docs.managing, docs.group_a)).get_data(as_text=True)
    assert f'/docs/{doc.id}"' not in listing
    # files stay on disk while in the trash
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))
                             .where(StoredFile.plugin == "documents")) == 4 + 2


def test_manager_restores_from_the_trash(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    login_as(docs.mentor_a).post(folder_url(docs.managing, docs.group_a,
                                            f"/docs/{doc.id}/delete"))
    manager = login_as(docs.manager)
    trash = manager.get(folder_url(docs.managing, docs.group_a, "/trash"))
    text = trash.get_data(as_text=True)
    assert "Signed contract" in text and "Mentor A" in text
    manager.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/restore"))
    assert "The trash is empty." in manager.get(
        folder_url(docs.managing, docs.group_a, "/trash")).get_data(as_text=True)
    assert f'/docs/{doc.id}"' in manager.get(
        folder_url(docs.managing, docs.group_a)).get_data(as_text=True)


def test_purge_removes_rows_and_bytes(docs, login_as):
    from core.storage import path_of

    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, versions=2)
    paths = [path_of(v.file) for v in doc.versions]
    assert all(p.exists() for p in paths)
    manager = login_as(docs.manager)
    manager.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/delete"))
    url = folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/purge")
    assert "cannot be undone" in manager.get(url).get_data(as_text=True)
    manager.post(url)
    assert db.session.scalar(db.select(db.func.count(DocumentVersion.id))) == 0
    assert not any(p.exists() for p in paths)


def test_purge_only_from_the_trash(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    resp = login_as(docs.manager).post(folder_url(docs.managing, docs.group_a,
                                                  f"/docs/{doc.id}/purge"))
    assert resp.status_code == 404
    assert db.session.get(Document, doc.id) is not None


def test_zip_holds_the_newest_version_of_each_live_document(docs, login_as):
    add_document(docs.managing, docs.group_a, docs.mentor_a, title="Contract",
                 name="contract.pdf", versions=2)
    add_document(docs.managing, docs.group_a, docs.mentor_a, title="Plan", name="plan.pdf",
                 data=PDF + b"plan")
    add_document(docs.managing, docs.group_a, docs.mentor_a, title="Other plan",
                 name="plan.pdf", data=PDF + b"other")
    gone = add_document(docs.managing, docs.group_a, docs.mentor_a, title="Gone",
                        name="gone.pdf")
    add_document(docs.managing, docs.group_b, docs.mentor_b, title="B", name="b-only.pdf")
    add_document(docs.monitor, docs.group_a, docs.mentor_a, title="R", name="report.pdf")
    client = login_as(docs.mentee_a)
    login_as(docs.mentor_a).post(folder_url(docs.managing, docs.group_a,
                                            f"/docs/{gone.id}/delete"))
    resp = client.get(folder_url(docs.managing, docs.group_a, "/zip"))
    assert resp.status_code == 200
    assert resp.mimetype == "application/zip"
    assert "attachment" in resp.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        names = sorted(zf.namelist())
        assert names == ["plan (2).pdf", "plan.pdf", "v2-contract.pdf"]
        contents = {zf.read(n) for n in ("plan.pdf", "plan (2).pdf")}
        assert contents == {PDF + b"plan", PDF + b"other"}


def test_zip_of_an_empty_folder_says_so(docs, login_as):
    resp = login_as(docs.mentor_a).get(folder_url(docs.managing, docs.group_a, "/zip"),
                                       follow_redirects=True)
    assert "nothing to download yet" in resp.get_data(as_text=True)


def test_download_sends_the_original_name_encoded(docs, login_as):
    name = "Smlouva o mentoringu – Dvořák.pdf"
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, name=name)
    resp = login_as(docs.mentee_a).get(
        folder_url(docs.managing, docs.group_a, f"/versions/{doc.versions[0].id}"))
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment")
    assert f"filename*=UTF-8''{quote(name)}" in cd
    cd.encode("latin-1")  # the header itself is plain ASCII/latin-1, never raw UTF-8
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_images_are_downloaded_not_shown_inline(docs, login_as):
    from tests.plugins.documents.helpers import PNG

    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, name="scan.png", data=PNG)
    resp = login_as(docs.mentor_a).get(
        folder_url(docs.managing, docs.group_a, f"/versions/{doc.versions[0].id}"))
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.mimetype == "image/png"


def test_folder_page_query_count_does_not_grow(docs, login_as, queries):
    client = login_as(docs.manager)

    def count(n: int) -> int:
        for i in range(n):
            add_document(docs.managing, docs.group_a, docs.mentor_a, title=f"Doc {i:03d}",
                         template=docs.plan if i % 2 else None, versions=2)
        client.get(folder_url(docs.managing, docs.group_a))  # warm caches
        with queries() as q:
            assert client.get(folder_url(docs.managing, docs.group_a)).status_code == 200
        return q.count

    few = count(3)
    many = count(22)  # 25 on the page: a full page
    assert few == many


def test_upload_to_another_folder_than_the_templates_says_where_it_belongs(docs, login_as):
    client = login_as(docs.mentor_a)
    resp = upload(client, docs.monitor, docs.group_a, "contract.docx", DOCX,
                  template_id=docs.contract.id)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert ("Note: filled-in copies of “Mentoring contract” usually go to “Toolbar for "
            "managing the mentoring process”.") in page
    assert db.session.execute(db.select(Document.activity_id)).scalar_one() == docs.monitor.id
