"""Two tabs on one library template: the second save answers 409 with its input still
in the form, the first save stays, and the file sent with the refused save is not kept."""

from __future__ import annotations

import io

from core.extensions import db
from plugins.documents.models import DocTemplate
from tests.forms import form_fields, two_tabs
from tests.plugins.documents.helpers import DOCX, store_listing


def test_template_edit_conflict(docs, login_as):
    url = f"/documents/library/{docs.library.id}/templates/{docs.plan.id}/edit"
    tab1, f1, tab2, f2 = two_tabs(login_as, docs.manager, url)
    assert tab1.post(url, data={**f1, "description": "From tab one"}).status_code == 302
    files_before = store_listing()
    resp = tab2.post(url, data={**f2, "description": "From tab two",
                                "file": (io.BytesIO(DOCX), "plan-2.docx")},
                     content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "From tab one" in html and form_fields(html)["description"] == "From tab two"
    db.session.expire_all()
    saved = db.session.get(DocTemplate, docs.plan.id)
    assert saved.description_source == "From tab one"
    assert saved.file.original_name != "plan-2.docx"
    assert store_listing() == files_before
