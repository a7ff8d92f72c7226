"""The documents pages in headless Chromium: a mentor uploads through the real form,
deletes after confirming, a manager restores; axe-core finds no serious problems."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import axe_violations, log_in
from tests.conftest import run_server
from tests.plugins.documents.helpers import PDF, add_document

pytestmark = pytest.mark.browser



def test_mentor_uploads_deletes_and_manager_restores(app, docs, page, tmp_path):
    add_document(docs.managing, docs.group_a, docs.mentor_a, template=docs.plan,
                 title="Session plan", name="plan.pdf")
    scan = tmp_path / "Smlouva – podepsaná.pdf"
    scan.write_bytes(PDF + b"signed")
    with run_server(app) as url:
        log_in(page, url, docs.mentor_a.email)
        page.goto(f"{url}/documents/folder/{docs.managing.id}")
        page.get_by_role("heading", name="Upload a document for Group A").wait_for()
        assert axe_violations(page) == []
        page.get_by_label("File", exact=True).set_input_files(str(scan))
        page.get_by_label("Fulfils the template").select_option(label="Mentoring contract")
        page.get_by_role("button", name="Upload", exact=True).click()
        page.get_by_text("is now marked as signed for Group A").wait_for()
        page.get_by_role("link", name="Mentoring contract").first.click()
        page.get_by_role("heading", name="Version history").wait_for()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Move to the trash").click()
        page.get_by_role("heading", name="Please confirm").wait_for()
        page.get_by_role("button", name="Yes, go ahead").click()
        page.get_by_text("moved to the trash").wait_for()
        page.goto(f"{url}/documents/groups/{docs.group_a.id}/checklist")
        assert axe_violations(page) == []
        page.goto(f"{url}/documents/library/{docs.library.id}")
        assert axe_violations(page) == []
        page.goto(f"{url}/documents/p/{docs.programme.id}/guide")
        assert axe_violations(page) == []

        manager = page.context.browser.new_context(bypass_csp=True).new_page()
        log_in(manager, url, docs.manager.email)
        manager.goto(f"{url}/documents/folder/{docs.managing.id}/groups/{docs.group_a.id}/trash")
        assert axe_violations(manager) == []
        manager.get_by_role("button", name="Restore").first.click()
        manager.get_by_text("is back in the folder").wait_for()
        manager.goto(f"{url}/documents/p/{docs.programme.id}/overview")
        assert "Signed" in manager.locator("table").inner_text()
        assert axe_violations(manager) == []
        manager.context.close()
