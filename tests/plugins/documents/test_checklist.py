"""Checklists: missing, uploaded and signed with who and when; the managers' overview;
the dashboard widget, the group page block and the core hooks monitoring relies on."""

from __future__ import annotations

import html

from core.extensions import db
from core.plugins import hooks
from plugins.documents.services.checklist import MISSING, SIGNED, UPLOADED, states
from tests.plugins.documents.helpers import (
    DOCX,
    PDF,
    PNG,
    add_document,
    folder_url,
    fresh_g,
    plain,
    upload,
)


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _state(docs, template, group=None) -> object:
    group = group or docs.group_a
    items = states(docs.programme.id, [group.id])[group.id]
    return next(i for i in items if i.template.id == template.id)


def test_states_move_from_missing_to_uploaded_to_signed(docs, login_as):
    assert _state(docs, docs.contract).state == MISSING
    mentor = login_as(docs.mentor_a)
    upload(mentor, docs.managing, docs.group_a, "contract.docx", DOCX,
           template_id=docs.contract.id)
    item = _state(docs, docs.contract)
    assert item.state == UPLOADED and not item.complete
    assert item.version.uploaded_by_id == docs.mentor_a.id
    assert item.missing_text() == "Mentoring contract (signed copy)"
    resp = upload(login_as(docs.manager), docs.managing, docs.group_a, "contract-signed.png",
                  PNG, template_id=docs.contract.id)
    assert resp.status_code == 302
    item = _state(docs, docs.contract)
    assert item.state == SIGNED and item.complete
    assert item.signed.uploaded_by_id == docs.manager.id
    assert item.signed.created_at is not None
    # the scan became version 2 of the same document
    assert item.document.versions[0].number == 2
    # group B is untouched
    assert _state(docs, docs.contract, docs.group_b).state == MISSING


def test_signed_flash_names_the_group(docs, login_as):
    client = login_as(docs.mentor_a)
    resp = upload(client, docs.managing, docs.group_a, "signed.pdf", PDF,
                  template_id=docs.contract.id)
    assert resp.status_code == 302
    page = _text(client.get(resp.headers["Location"]))
    assert "“Mentoring contract” is now marked as signed for Group A." in page


def test_template_without_signature_is_complete_when_uploaded(docs):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan, name="p.pdf")
    item = _state(docs, docs.plan)
    assert item.state == UPLOADED and item.complete and item.missing_text() is None


def test_trashed_documents_do_not_count(docs, login_as):
    doc = add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan)
    assert _state(docs, docs.plan).state == UPLOADED
    login_as(docs.mentor_a).post(folder_url(docs.managing, docs.group_a,
                                            f"/docs/{doc.id}/delete"))
    fresh_g()
    assert _state(docs, docs.plan).state == MISSING


def test_checklist_page_shows_who_and_when(docs, login_as):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.contract,
                 name="signed.pdf")
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan,
                 name="plan.docx", data=DOCX)
    text = plain(login_as(docs.mentee_a).get(f"/documents/groups/{docs.group_a.id}/checklist"))
    assert "2 of 3 mandatory documents are in place." in text
    mandatory = text.split("Optional documents")[0]
    assert "Signed copy by Mentor A" in mandatory
    assert "Uploaded by Mentor A" in mandatory
    assert "✘ Missing" in mandatory  # the monitoring report
    assert "Relationship questionnaire" in text.split("Optional documents", 1)[1]


def test_overview_for_managers(docs, login_as):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.contract,
                 name="signed.pdf")
    add_document(docs.managing, docs.group_b, docs.mentor_b, template=docs.contract,
                 name="draft.docx", data=DOCX)
    text = _text(login_as(docs.manager).get(f"/documents/p/{docs.programme.id}/overview"))
    assert "Documents of all groups" in text
    rows = text.split("<tbody>")[1]
    row_a, row_b = rows.split("Group A")[1].split("</tr>")[0], rows.split("Group B")[1]
    assert "Signed" in row_a and "<strong>2</strong>" in row_a
    assert "Uploaded, not signed yet" in row_b.split("</tr>")[0]
    assert "<strong>3</strong>" in row_b.split("</tr>")[0]
    assert "Relationship questionnaire" not in text  # optional ones are not in the overview


def test_overview_query_count_does_not_grow_with_groups(docs, login_as, make, queries):
    client = login_as(docs.manager)

    def count(extra: int) -> int:
        for n in range(extra):
            group = make.group(docs.programme, f"Group {n:02d}x", [(docs.mentor_a, "mentor")])
            add_document(docs.managing, group, docs.mentor_a, template=docs.contract)
            add_document(docs.monitor, group, docs.mentor_a, template=docs.report, versions=2)
        client.get(f"/documents/p/{docs.programme.id}/overview")
        with queries() as q:
            client.get(f"/documents/p/{docs.programme.id}/overview")
        return q.count

    assert count(1) == count(12)


def test_group_summary_names_missing_documents(docs):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.contract,
                 name="draft.docx", data=DOCX)
    fresh_g()
    merged: dict = {}
    for result in hooks(docs.programme).group_summary(groups=[docs.group_a]):
        merged.update((result or {}).get(docs.group_a.id, {}))
    items = merged["missing_documents"]
    assert "Mentoring contract (signed copy)" in items
    assert "Session plan" in items and "Monitoring report" in items
    assert "Relationship questionnaire" not in items


def test_hook_group_summary(docs):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan)
    fresh_g()
    merged: dict = {}
    for result in hooks(docs.programme).group_summary(groups=[docs.group_a, docs.group_b]):
        for gid, values in (result or {}).items():
            merged.setdefault(gid, {}).update(values)
    assert merged[docs.group_a.id]["documents_mandatory"] == 3
    assert merged[docs.group_a.id]["documents_complete"] == 1
    assert merged[docs.group_a.id]["documents_missing"] == 2
    assert merged[docs.group_b.id]["documents_missing"] == 3
    assert merged[docs.group_a.id]["missing_documents"] == ["Mentoring contract",
                                                          "Monitoring report"]


def test_hook_dashboard_widgets(docs, login_as):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.contract,
                 name="s.pdf")
    manager = plain(login_as(docs.manager).get("/dashboard"))
    widget = manager.split("Missing documents ·")[1].split("What is new")[0]
    assert "Group A : Session plan, Monitoring report" in widget
    assert "Group B : Mentoring contract, Session plan, Monitoring report" in widget
    assert "Overview of all groups" in widget
    mentor = plain(login_as(docs.mentor_a).get("/dashboard"))
    widget = mentor.split("Missing documents ·")[1].split("What is new")[0]
    assert "Session plan" in widget and "Group B :" not in widget
    assert "Mentoring contract" not in widget
    # mentees only see what they fill in themselves: nothing mandatory here
    assert "Missing documents" not in plain(login_as(docs.mentee_a).get("/dashboard"))
    docs.questionnaire.mandatory = True
    db.session.commit()
    mentee = plain(login_as(docs.mentee_a).get("/dashboard"))
    widget = mentee.split("Missing documents ·")[1].split("What is new")[0]
    assert "Relationship questionnaire" in widget and "Session plan" not in widget
    assert "forum attachment" in widget


def test_no_widget_when_nothing_is_missing(docs, login_as):
    for group, mentor in ((docs.group_a, docs.mentor_a), (docs.group_b, docs.mentor_b)):
        add_document(docs.managing, group, mentor, template=docs.contract, name="s.pdf")
        add_document(docs.managing, group, mentor, template=docs.plan)
        add_document(docs.monitor, group, mentor, template=docs.report)
    assert "Missing documents" not in _text(login_as(docs.manager).get("/dashboard"))


def test_dashboard_widget_costs_the_same_for_few_and_many_groups_and_documents(
        app, docs, login_as, make, queries, monkeypatch):
    docs.questionnaire.mandatory = True
    db.session.commit()
    clients = [login_as(u) for u in (docs.manager, docs.mentor_a, docs.mentee_a)]

    def counts() -> list[int]:
        found = []
        for client in clients:
            with queries() as q:
                page = plain(client.get("/dashboard"))
            assert "Missing documents ·" in page
            found.append(sum("documents_" in s for s in q.statements))
        return found

    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.contract)
    few = counts()
    for n in range(8):
        group = make.group(docs.programme, f"Group {n:02d}x",
                           [(docs.mentor_a, "mentor"), (docs.mentee_a, "mentee")])
        add_document(docs.managing, group, docs.mentor_a, template=docs.contract, versions=2)
        add_document(docs.monitor, group, docs.mentor_a, template=docs.report, versions=3)
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan, versions=2)
    assert counts() == few == [2, 2, 2]  # the templates, then the groups' documents


def test_hook_slot_group_page(docs, login_as):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan)
    text = plain(login_as(docs.mentee_a).get(f"/groups/{docs.group_a.id}"))
    assert "1 of 3 mandatory documents are in place." in text
    assert "Missing: Mentoring contract, Monitoring report." in text
    page = login_as(docs.mentee_a).get(f"/groups/{docs.group_a.id}").get_data(as_text=True)
    assert f"/documents/groups/{docs.group_a.id}/checklist" in page


def test_group_summary_costs_constant_queries(app, docs, make, queries):
    from core.models import MentoringGroup

    def count(extra: int) -> int:
        for n in range(extra):
            group = make.group(docs.programme, f"G{n:02d}", [(docs.mentor_a, "mentor")])
            add_document(docs.managing, group, docs.mentor_a, template=docs.contract)
        with app.test_request_context():
            fresh_g()
            groups = db.session.execute(db.select(MentoringGroup)).scalars().all()
            relay = hooks(docs.programme)
            with queries() as q:
                relay.group_summary(groups=groups)
        return q.count

    assert count(1) == count(10)
