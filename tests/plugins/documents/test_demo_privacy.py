"""The demo content, the privacy hooks and the migration branch."""

from __future__ import annotations

from pathlib import Path

from core.extensions import db
from core.models import Activity, Section
from core.plugins import hooks
from plugins.documents.models import DocTemplate, Document
from plugins.documents.services.checklist import MISSING, SIGNED, UPLOADED, states
from tests.plugins.documents.helpers import add_document, fresh_g

SECTION_KEYS = ["tools", "initial", "employability", "entrepreneurship", "monitoring"]


def _demo_users(world, make) -> dict:
    prog = world["programme"]
    sections = {key: make.section(prog, key.title()) for key in SECTION_KEYS}
    return {"admin": world["admin"], "manager": world["manager"], "mentor1": world["mentor_a"],
            "mentor2": world["mentor_b"], "mentee1": world["mentee_a"],
            "mentee2": world["mentee_a2"], "mentee3": world["mentee_b"],
            "mentee4": world["mentee_b"], "groups": [world["group_a"], world["group_b"]],
            "sections": sections}


def test_hook_demo_data(world, make, login_as):
    users = _demo_users(world, make)
    import plugins.documents as documents

    documents.demo_data(programme=world["programme"], users=users)
    db.session.commit()
    acts = db.session.execute(
        db.select(Activity.title, Section.title, Activity.group_mode)
        .join(Section, Section.id == Activity.section_id)
        .where(Activity.plugin == "documents").order_by(Activity.id)).all()
    assert acts == [
        ("Templates for managing and monitoring the mentoring process", "Tools", "shared"),
        ("Toolbar for managing the mentoring process", "Initial", "separate"),
        ("Toolbar for monitoring the mentoring process", "Monitoring", "separate"),
    ]
    assert db.session.scalar(db.select(db.func.count(DocTemplate.id))) == 7
    table = states(world["programme"].id, [world["group_a"].id, world["group_b"].id])
    by_title = {g: {i.template.title: i for i in items} for g, items in table.items()}
    a, b = by_title[world["group_a"].id], by_title[world["group_b"].id]
    assert a["Mentoring contract"].state == SIGNED
    assert a["List of participants"].state == SIGNED
    assert a["Session plan"].state == UPLOADED
    assert len(a["Session plan"].document.versions) == 2
    assert b["Mentoring contract"].state == UPLOADED and not b["Mentoring contract"].complete
    assert b["Session plan"].state == MISSING
    # the pages show it
    folder = db.session.execute(db.select(Activity).where(
        Activity.title == "Toolbar for managing the mentoring process")).scalar_one()
    page = login_as(world["mentee_a"]).get(
        f"/documents/folder/{folder.id}/groups/{world['group_a'].id}")
    assert "session-plan-group-a-v2.docx" in page.get_data(as_text=True)


def test_hook_export_user_data(docs):
    add_document(docs.managing, docs.group_a, docs.mentor_a, title="Signed contract",
                 name="contract.pdf")
    fresh_g()
    results = [r for r in hooks().export_user_data(user=docs.mentor_a)
               if r is not None and r.plugin == "documents"]
    (data,) = results
    (version,) = data.records["document_versions"]
    assert (version["document"], version["group"], version["file"]) == (
        "Signed contract", "Group A", "contract.pdf")
    assert [f.original_name for f in data.files] == ["contract.pdf"]
    assert not [r for r in hooks().export_user_data(user=docs.outsider)
                if r is not None and r.plugin == "documents"]


def test_hook_erase_user_data_keeps_group_records(docs, login_as):
    from core.privacy import erase

    doc = add_document(docs.managing, docs.group_a, docs.mentor_a)
    erase(docs.mentor_a)
    db.session.expire_all()
    kept = db.session.get(Document, doc.id)
    assert kept.versions[0].uploaded_by_id == docs.mentor_a.id
    page = login_as(docs.manager).get(
        f"/documents/folder/{docs.managing.id}/groups/{docs.group_a.id}")
    assert "deleted user" in page.get_data(as_text=True)


def test_migration_branch_depends_on_the_core():
    path = Path(__file__).resolve().parents[3] / "plugins/documents/migrations"
    (rev,) = path.glob("documents0001_*.py")
    text = rev.read_text()
    assert 'depends_on = "core0001"' in text
    assert "branch_labels = ('documents',)" in text
    for table in ("documents_template", "documents_document", "documents_version"):
        assert f"op.create_table('{table}'" in text
    assert text.count("op.create_table(") == 3


def test_cli_cleans_files_of_deleted_groups(app, docs):
    from core.storage import path_of

    doc = add_document(docs.managing, docs.group_b, docs.mentor_b, versions=2)
    kept = add_document(docs.managing, docs.group_a, docs.mentor_a)
    paths = [path_of(v.file) for v in doc.versions]
    db.session.delete(db.session.get(type(docs.group_b), docs.group_b.id))
    db.session.commit()  # the database cascade removes the documents, not the bytes
    assert all(p.exists() for p in paths)
    result = app.test_cli_runner().invoke(args=["documents", "clean-orphans"])
    assert result.exit_code == 0, result.output
    assert "2 orphaned files removed." in result.output
    assert not any(p.exists() for p in paths)
    assert path_of(kept.versions[0].file).exists()
    assert db.session.scalar(db.select(db.func.count(DocTemplate.id))) == 4



def test_deleting_a_folder_activity_removes_its_files(app, world, make, login_as):
    """The core's activity_deleted event makes the plugin delete orphaned bytes."""
    from core.models import StoredFile
    from core.storage import path_of

    prog = world["programme"]
    folder = make.activity(prog, "documents.folder", plugin="documents",
                           group_mode="separate", title="Toolbar")
    with app.test_request_context():
        add_document(folder, world["group_a"], world["mentor_a"], versions=2)
    paths = [path_of(sf) for sf in db.session.scalars(
        db.select(StoredFile).where(StoredFile.plugin == "documents"))]
    assert len(paths) == 2 and all(p.exists() for p in paths)
    login_as(world["manager"]).post(f"/p/{prog.id}/activities/{folder.id}/delete")
    assert db.session.get(Activity, folder.id) is None
    assert not any(p.exists() for p in paths)
    assert db.session.scalar(db.select(db.func.count(StoredFile.id)).where(
        StoredFile.plugin == "documents")) == 0
