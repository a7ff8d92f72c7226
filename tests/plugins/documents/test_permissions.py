"""Role × action matrix for the library, the group folders and the checklists:
manager, site admin, the group's mentor and mentee, the other group's mentor and
mentee, and an outsider, acting on group A's folder."""

from __future__ import annotations

import io

import pytest

from core.extensions import db
from plugins.documents.models import Document, DocumentVersion
from tests.plugins.documents.helpers import add_document, folder_url, upload

ROLES = ["manager", "admin", "mentor_a", "mentee_a", "mentor_b", "mentee_b", "outsider"]
SEE_GROUP_A = {"manager", "admin", "mentor_a", "mentee_a"}
STAFF_A = {"manager", "admin", "mentor_a"}
MANAGERS = {"manager", "admin"}
MEMBERS = {"manager", "admin", "mentor_a", "mentee_a", "mentor_b", "mentee_b"}


def _expect(role: str, allowed: set[str], ok: int = 200) -> int:
    return ok if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_download_matrix(docs, login_as, role):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    version = doc.versions[0]
    client = login_as(getattr(docs, role))
    resp = client.get(folder_url(docs.managing, docs.group_a, f"/versions/{version.id}"))
    assert resp.status_code == _expect(role, SEE_GROUP_A)
    if resp.status_code == 200:
        assert resp.data.startswith(b"%PDF")
        assert resp.headers["Content-Disposition"].startswith("attachment")
    # the folder page, the zip and the checklist follow the same rule
    assert client.get(folder_url(docs.managing, docs.group_a)).status_code == \
        _expect(role, SEE_GROUP_A)
    assert client.get(folder_url(docs.managing, docs.group_a, "/zip")).status_code == \
        _expect(role, SEE_GROUP_A)
    assert client.get(f"/documents/groups/{docs.group_a.id}/checklist").status_code == \
        _expect(role, SEE_GROUP_A)
    assert client.get(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}")).status_code \
        == _expect(role, SEE_GROUP_A)


@pytest.mark.parametrize("role", ROLES)
def test_upload_matrix(docs, login_as, role):
    client = login_as(getattr(docs, role))
    resp = upload(client, docs.managing, docs.group_a, "minutes.pdf")
    assert resp.status_code == _expect(role, STAFF_A, 302)
    count = db.session.scalar(db.select(db.func.count(Document.id)))
    assert count == (1 if role in STAFF_A else 0)


@pytest.mark.parametrize("role", ROLES)
def test_new_version_matrix(docs, login_as, role):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    client = login_as(getattr(docs, role))
    resp = client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/versions"),
                       data={"file": (io.BytesIO(b"%PDF-1.4 v2"), "contract-v2.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == _expect(role, STAFF_A, 302)
    versions = db.session.scalar(db.select(db.func.count(DocumentVersion.id)))
    assert versions == (2 if role in STAFF_A else 1)


@pytest.mark.parametrize("role", ROLES)
def test_delete_matrix(docs, login_as, role):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    client = login_as(getattr(docs, role))
    url = folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/delete")
    assert client.get(url).status_code == _expect(role, STAFF_A)
    resp = client.post(url)
    assert resp.status_code == _expect(role, STAFF_A, 302)
    db.session.expire_all()
    assert (db.session.get(Document, doc.id).deleted_at is not None) == (role in STAFF_A)


@pytest.mark.parametrize("role", ROLES)
def test_restore_matrix(docs, login_as, role):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    login_as(docs.mentor_a).post(folder_url(docs.managing, docs.group_a,
                                            f"/docs/{doc.id}/delete"))
    client = login_as(getattr(docs, role))
    assert client.get(folder_url(docs.managing, docs.group_a, "/trash")).status_code == \
        _expect(role, MANAGERS)
    resp = client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/restore"))
    assert resp.status_code == _expect(role, MANAGERS, 302)
    db.session.expire_all()
    assert (db.session.get(Document, doc.id).deleted_at is None) == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_purge_matrix(docs, login_as, role):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    login_as(docs.mentor_a).post(folder_url(docs.managing, docs.group_a,
                                            f"/docs/{doc.id}/delete"))
    client = login_as(getattr(docs, role))
    resp = client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/purge"))
    assert resp.status_code == _expect(role, MANAGERS, 302)
    db.session.expire_all()
    assert (db.session.get(Document, doc.id) is None) == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_trashed_document_is_hidden_from_all_but_managers(docs, login_as, role):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    login_as(docs.mentor_a).post(folder_url(docs.managing, docs.group_a,
                                            f"/docs/{doc.id}/delete"))
    client = login_as(getattr(docs, role))
    version_id = doc.versions[0].id
    resp = client.get(folder_url(docs.managing, docs.group_a, f"/versions/{version_id}"))
    assert resp.status_code == _expect(role, MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_library_matrix(docs, login_as, role):
    client = login_as(getattr(docs, role))
    lib = f"/documents/library/{docs.library.id}"
    assert client.get(lib).status_code == _expect(role, MEMBERS)
    resp = client.get(f"{lib}/templates/{docs.contract.id}/download")
    assert resp.status_code == _expect(role, MEMBERS)
    assert client.get(f"/documents/p/{docs.programme.id}/guide").status_code == \
        _expect(role, MEMBERS)
    assert client.get(f"{lib}/templates/new").status_code == _expect(role, MANAGERS)
    assert client.get(f"{lib}/templates/{docs.contract.id}/edit").status_code == \
        _expect(role, MANAGERS)
    assert client.get(f"/documents/p/{docs.programme.id}/overview").status_code == \
        _expect(role, MANAGERS)


def test_group_id_of_another_programme_is_refused(docs, login_as, make):
    other = make.programme()
    foreign = make.group(other, "Elsewhere")
    client = login_as(docs.admin)
    assert client.get(folder_url(docs.managing, foreign)).status_code == 404
    assert upload(client, docs.managing, foreign).status_code == 404


def test_document_of_group_b_cannot_be_reached_through_group_a(docs, login_as):
    doc_b = add_document(docs.managing, docs.group_b, docs.mentor_b)
    client = login_as(docs.mentee_a)
    assert client.get(folder_url(docs.managing, docs.group_a, f"/docs/{doc_b.id}")) \
        .status_code == 404
    version = doc_b.versions[0]
    assert client.get(folder_url(docs.managing, docs.group_a, f"/versions/{version.id}")) \
        .status_code == 404
    mentor = login_as(docs.mentor_a)
    assert mentor.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc_b.id}/delete")) \
        .status_code == 404
