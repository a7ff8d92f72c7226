"""A programme that disables the documents plugin: every page answers 404 there, its
navigation, widgets, file actions and group hooks disappear, other programmes keep it."""

from __future__ import annotations

import io

import pytest

from core.extensions import db
from core.plugins import flatten, hooks, registry
from core.storage import save_bytes
from plugins.documents.models import Document
from tests.plugins.documents.helpers import PDF, add_document, folder_url, fresh_g, plain


@pytest.fixture
def disabled(docs):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.contract)
    trashed = add_document(docs.managing, docs.group_a, docs.mentor_a, title="Old")
    trashed.deleted_at = trashed.created_at
    forum_file = save_bytes(PDF, "diary.pdf", plugin="forum", programme=docs.programme,
                            user=docs.mentee_a)
    db.session.commit()
    registry().set_enabled(docs.programme.id, "documents", False)
    fresh_g()
    return doc, trashed, forum_file


def _urls(docs, doc, trashed, forum_file) -> tuple[list[str], list[str]]:
    lib = f"/documents/library/{docs.library.id}"
    tpl = f"{lib}/templates/{docs.contract.id}"
    fa = folder_url(docs.managing, docs.group_a)
    gets = [
        lib, f"{tpl}/download", f"{tpl}/filled", f"{lib}/filled", f"{lib}/templates/new",
        f"{tpl}/edit", f"{tpl}/delete", f"/documents/p/{docs.programme.id}/guide",
        f"/documents/p/{docs.programme.id}/overview",
        f"/documents/groups/{docs.group_a.id}/checklist",
        f"/documents/folder/{docs.managing.id}", fa, f"{fa}/docs/{doc.id}",
        f"{fa}/versions/{doc.versions[0].id}", f"{fa}/docs/{doc.id}/delete", f"{fa}/trash",
        f"{fa}/docs/{trashed.id}/purge", f"{fa}/zip",
    ]
    posts = [
        f"{tpl}/filled", f"{lib}/templates/new", f"{tpl}/edit", f"{tpl}/delete",
        f"{tpl}/move/down", f"{lib}/install-defaults", f"{fa}/upload",
        f"{fa}/docs/{doc.id}/versions", f"{fa}/docs/{doc.id}/edit", f"{fa}/docs/{doc.id}/delete",
        f"{fa}/docs/{trashed.id}/restore", f"{fa}/docs/{trashed.id}/purge",
        f"{fa}/file/{forum_file.id}",
    ]
    return gets, posts


@pytest.mark.parametrize("role", ["admin", "manager", "mentor_a", "mentee_a"])
def test_every_page_answers_404(docs, disabled, login_as, role):
    client = login_as(getattr(docs, role))
    gets, posts = _urls(docs, *disabled)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        resp = client.post(url, data={"file": (io.BytesIO(PDF), "x.pdf"), "title": "x",
                                      "filled_by": "mentor", "template_id": "0",
                                      "folder_id": "0"},
                           content_type="multipart/form-data")
        assert resp.status_code == 404, url
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 2
    assert db.session.get(Document, disabled[0].id).deleted_at is None


def test_hooks_and_navigation_disappear(app, docs, disabled, login_as):
    _doc, _trashed, forum_file = disabled
    with app.test_request_context():
        fresh_g()
        relay = hooks(docs.programme)
        assert flatten(relay.file_actions(stored_file=forum_file, user=docs.mentor_a)) == []
        assert not any("missing_documents" in (r or {}).get(docs.group_a.id, {})
                       for r in relay.group_summary(groups=[docs.group_a]))
        widgets = flatten(relay.dashboard_widgets(programmes=[docs.programme],
                                                 user=docs.manager))
        assert [w for w in widgets if str(w.title) == "Missing documents"] == []
    course = plain(login_as(docs.manager).get(f"/p/{docs.programme.id}"))
    assert "Documents" not in course.split("Course")[0] + course.split("Course")[1][:200]
    assert "Templates" not in course  # the activities are hidden from the course page
    assert "Missing documents" not in plain(login_as(docs.manager).get("/dashboard"))
    assert "mandatory documents" not in plain(login_as(docs.manager).get(
        f"/groups/{docs.group_a.id}"))


def test_other_programmes_keep_the_plugin(docs, disabled, login_as, make):
    other = make.programme()
    manager = make.member(other, "manager")
    lib = make.activity(other, "documents.library", title="Other library")
    client = login_as(manager)
    assert client.get(f"/documents/library/{lib.id}").status_code == 200
    registry().set_enabled(docs.programme.id, "documents", True)
    fresh_g()
    assert login_as(docs.manager).get(f"/documents/library/{docs.library.id}").status_code \
        == 200
