"""From the forum into the folder: the ``file_actions`` hook offers the group's mentor and
managers a one-click action on a stored file, and the action files an independent copy.
A StoredFile made here stands in for a forum attachment (the plugins never import each
other)."""

from __future__ import annotations

from core.extensions import db
from core.models import StoredFile
from core.permissions import role_in
from core.plugins import flatten, hooks, registry
from core.storage import delete, read_bytes, save_bytes
from plugins.documents.models import Document, DocumentVersion
from plugins.documents.services.filing import actions_for
from tests.plugins.documents.helpers import DOCX, PDF, add_document, folder_url, fresh_g, plain


def attachment(docs, user, name: str = "diary-session-1.docx", data: bytes = DOCX,
               programme=None) -> StoredFile:
    """A file as the forum would store it for a post's attachment."""
    sf = save_bytes(data, name, plugin="forum", programme=programme or docs.programme,
                    user=user, rate=False)
    db.session.commit()
    return sf


def _actions(app, sf, user) -> list:
    with app.test_request_context():
        fresh_g()
        return flatten(hooks(sf.programme_id).file_actions(stored_file=sf, user=user))


def _file_url(docs, sf, folder=None, group=None) -> str:
    folder, group = folder or docs.managing, group or docs.group_a
    return folder_url(folder, group, f"/file/{sf.id}")


def test_hook_file_actions(app, docs):
    sf = attachment(docs, docs.mentee_a)
    actions = _actions(app, sf, docs.mentor_a)
    assert [a.label for a in actions] == [
        "File into “Toolbar for managing the mentoring process”",
        "File into “Toolbar for monitoring the mentoring process”"]
    assert [a.url for a in actions] == [_file_url(docs, sf),
                                        _file_url(docs, sf, docs.monitor)]
    assert all(a.method == "POST" for a in actions)
    # the manager gets the same, for the uploader's group
    assert [a.url for a in _actions(app, sf, docs.manager)] == [a.url for a in actions]
    # nobody else: mentees, the other group's mentor, outsiders
    for user in (docs.mentee_a, docs.mentee_a2, docs.mentor_b, docs.mentee_b, docs.outsider):
        assert _actions(app, sf, user) == []


def test_no_action_for_own_files_other_programmes_or_without_folders(app, docs, make):
    own = save_bytes(PDF, "x.pdf", plugin="documents", programme=docs.programme,
                     user=docs.mentee_a)
    db.session.commit()
    assert _actions(app, own, docs.mentor_a) == []
    other = make.programme()
    make.member(other, "mentor", docs.mentor_a)
    foreign = attachment(docs, docs.mentee_a, programme=other)
    assert _actions(app, foreign, docs.mentor_a) == []


def test_mentor_files_own_attachment_into_own_group(app, docs):
    sf = attachment(docs, docs.mentor_a, "notes.pdf", PDF)
    assert len(_actions(app, sf, docs.mentor_a)) == 2


def test_filing_copies_the_file_into_the_group_folder(app, docs, login_as):
    sf = attachment(docs, docs.mentee_a)
    client = login_as(docs.mentor_a)
    resp = client.post(_file_url(docs, sf))
    assert resp.status_code == 302
    doc = db.session.execute(db.select(Document)).scalar_one()
    assert resp.headers["Location"].endswith(folder_url(docs.managing, docs.group_a,
                                                        f"/docs/{doc.id}"))
    assert (doc.group_id, doc.activity_id, doc.title) == (
        docs.group_a.id, docs.managing.id, "diary-session-1")
    version = doc.versions[0]
    copy = version.file
    assert copy.id != sf.id and copy.storage_key != sf.storage_key
    assert (copy.plugin, copy.uploaded_by_id, copy.original_name) == (
        "documents", docs.mentor_a.id, "diary-session-1.docx")
    assert read_bytes(copy) == DOCX
    assert (version.filed_from_file_id, version.filed_from_user_id) == (sf.id, docs.mentee_a.id)
    page = plain(client.get(resp.headers["Location"]))
    assert "filed into “Toolbar for managing the mentoring process” of Group A" in page
    assert "sent by Mentee A through the forum" in page
    # the action now points at the filed copy instead of offering to file again
    (action,) = _actions(app, sf, docs.mentor_a)
    assert action.method == "GET" and action.url.endswith(f"/docs/{doc.id}")


def test_deleting_the_original_keeps_the_filed_copy(docs, login_as):
    sf = attachment(docs, docs.mentee_a)
    client = login_as(docs.mentor_a)
    client.post(_file_url(docs, sf))
    version = db.session.execute(db.select(DocumentVersion)).scalar_one()
    delete(sf)  # the forum removes the post and its attachment
    db.session.commit()
    db.session.expire_all()
    version = db.session.get(DocumentVersion, version.id)
    assert version.filed_from_file_id is None
    got = login_as(docs.mentee_a).get(folder_url(docs.managing, docs.group_a,
                                                 f"/versions/{version.id}"))
    assert got.status_code == 200 and got.data == DOCX


def test_filing_twice_does_not_duplicate(docs, login_as):
    sf = attachment(docs, docs.mentee_a)
    client = login_as(docs.mentor_a)
    client.post(_file_url(docs, sf))
    resp = client.post(_file_url(docs, sf), follow_redirects=True)
    assert "already in the group's folder" in plain(resp)
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 1


def test_filed_copy_can_then_fulfil_a_template(docs, login_as):
    sf = attachment(docs, docs.mentee_a, "contract-signed.pdf", PDF)
    client = login_as(docs.mentor_a)
    client.post(_file_url(docs, sf))
    doc = db.session.execute(db.select(Document)).scalar_one()
    client.post(folder_url(docs.managing, docs.group_a, f"/docs/{doc.id}/edit"),
                data={"title": "Mentoring contract", "template_id": docs.contract.id})
    text = plain(client.get(f"/documents/groups/{docs.group_a.id}/checklist"))
    assert "✔ Signed" in text.split("Session plan")[0]


def test_filing_refusals(docs, login_as, make):
    sf = attachment(docs, docs.mentee_a)
    # only the group's mentor and managers may file
    for user in (docs.mentee_a, docs.mentor_b, docs.mentee_b, docs.outsider):
        assert login_as(user).post(_file_url(docs, sf)).status_code == 404
    mentor = login_as(docs.mentor_a)
    # a file sent by someone of group B cannot go into group A's folder
    from_b = attachment(docs, docs.mentee_b)
    assert mentor.post(_file_url(docs, from_b)).status_code == 404
    # files of another programme never
    other = make.programme()
    foreign = attachment(docs, docs.mentee_a, programme=other)
    assert mentor.post(_file_url(docs, foreign)).status_code == 404
    # the plugin's own files (another group's documents) never
    doc_b = add_document(docs.managing, docs.group_b, docs.mentor_b)
    assert mentor.post(_file_url(docs, doc_b.versions[0].file)).status_code == 404
    # unknown files and folders
    assert mentor.post(folder_url(docs.managing, docs.group_a, "/file/999999")).status_code \
        == 404
    assert mentor.post(f"/documents/folder/{docs.library.id}/groups/{docs.group_a.id}"
                       f"/file/{sf.id}").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 1  # only doc_b
    assert mentor.get(_file_url(docs, sf)).status_code == 405  # no state change on GET


def test_filing_respects_limits(docs, login_as, app, monkeypatch):
    from tests.plugins.documents.helpers import store_listing

    add_document(docs.managing, docs.group_a, docs.mentor_a, data=PDF + b"1" * 600_000)
    sf = attachment(docs, docs.mentee_a, "big.pdf", PDF + b"0" * 700_000)
    monkeypatch.setitem(app.config, "UPLOAD_PROGRAMME_QUOTA_MB", 1)
    before = store_listing()
    resp = login_as(docs.mentor_a).post(_file_url(docs, sf))
    assert resp.status_code == 413
    assert "storage space is full" in plain(resp)
    assert store_listing() == before
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 1  # the earlier one


def test_actions_cost_a_fixed_number_of_queries(app, docs, queries):
    ids = [attachment(docs, docs.mentee_a, f"f{n}.pdf", PDF).id for n in range(30)]

    def count(n: int) -> int:
        with app.test_request_context():
            fresh_g()
            # the page showing the attachments has loaded them already
            files = db.session.execute(db.select(StoredFile).where(
                StoredFile.id.in_(ids[:n]))).scalars().all()
            with queries() as q:
                for sf in files:
                    actions_for(sf, docs.mentor_a)
        return q.count

    assert count(2) == count(30)


def test_files_of_one_page_get_their_own_addresses_and_group_labels(app, docs, make):
    """The labels and address patterns are worked out once per request; each file
    still gets its own address, and a person in two groups sees the group names."""
    make.group(docs.programme, "Group C", [(docs.mentor_a, "mentor"),
                                           (docs.mentee_a, "mentee")])
    files = [attachment(docs, docs.mentee_a, f"f{n}.pdf", PDF) for n in range(3)]
    with app.test_request_context():
        fresh_g()
        found = [actions_for(sf, docs.mentor_a) for sf in files]
    for sf, actions in zip(files, found, strict=True):
        assert [a.label for a in actions] == [
            "File into “Toolbar for managing the mentoring process” of Group A",
            "File into “Toolbar for monitoring the mentoring process” of Group A",
            "File into “Toolbar for managing the mentoring process” of Group C",
            "File into “Toolbar for monitoring the mentoring process” of Group C"]
        assert all(a.url.endswith(f"/file/{sf.id}") for a in actions)
        assert actions[0].url == _file_url(docs, sf)


def test_no_query_for_people_who_may_not_upload(app, docs, queries):
    """A mentee's discussion page asks for the actions of every attachment shown."""
    files = [attachment(docs, who, f"{who.id}.pdf", PDF)
             for who in (docs.mentee_a, docs.mentor_a, docs.mentee_a2)]
    for user in (docs.mentee_a, docs.mentee_a2):
        with app.test_request_context():
            fresh_g()
            user_files = db.session.execute(db.select(StoredFile).where(
                StoredFile.id.in_([f.id for f in files]))).scalars().all()
            role_in(user, docs.programme.id)  # the page has checked a capability already
            registry().disabled_in(docs.programme.id)
            with queries() as q:
                assert [actions_for(sf, user) for sf in user_files] == [[], [], []]
        assert q.count == 0
