"""Filing a stored file from elsewhere (a forum attachment) into a group's folder.

``actions_for`` runs once per file shown on a page, so everything it needs is
loaded once per request and programme and kept in ``flask.g``.
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_babel import gettext as _

from core.declarations import FileAction
from core.events import emit
from core.extensions import db
from core.files import can_read_file
from core.models import GroupMember, MentoringGroup
from core.permissions import can
from core.storage import read_bytes
from plugins.documents.models import Document, DocumentVersion
from plugins.documents.services.folder import add_version, new_document, title_from_name
from plugins.documents.services.library import folders_of
from plugins.documents.services.uploads import PLUGIN, committing, store_bytes


class FilingRefused(Exception):
    """The file may not be filed into that group's folder."""


def _facts(programme_id: int) -> dict[str, Any]:
    cache = g.setdefault("_documents_filing", {})
    if programme_id not in cache:
        rows = db.session.execute(
            db.select(GroupMember.user_id, MentoringGroup.id, MentoringGroup.name)
            .join(MentoringGroup, MentoringGroup.id == GroupMember.group_id)
            .where(MentoringGroup.programme_id == programme_id)
        ).all()
        members: dict[int, set[int]] = {}
        names: dict[int, str] = {}
        for user_id, group_id, name in rows:
            members.setdefault(user_id, set()).add(group_id)
            names[group_id] = name
        filed = {}
        for source_id, activity_id, group_id, doc_id in db.session.execute(
            db.select(DocumentVersion.filed_from_file_id, Document.activity_id,
                      Document.group_id, Document.id)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.programme_id == programme_id, Document.deleted_at.is_(None),
                   DocumentVersion.filed_from_file_id.is_not(None))
        ).all():
            filed.setdefault(source_id, (activity_id, group_id, doc_id))
        cache[programme_id] = {
            "members": members, "names": names, "filed": filed,
            "folders": folders_of(programme_id, visible_only=True),
        }
    return cache[programme_id]


def _may_upload(user: Any, programme_id: int, group_id: int | None) -> bool:
    """``documents.upload`` for the user, asked once per request for each group."""
    cache = g.setdefault("_documents_may_upload", {})
    key = (user.id, programme_id, group_id)
    if key not in cache:
        cache[key] = can(user, "documents.upload", programme_id, group_id)
    return cache[key]


def target_groups(stored_file: Any, user: Any) -> list[int]:
    """Groups into whose folders ``user`` may file ``stored_file``: groups of the person
    who uploaded it (or the user's own, for their own files) where the user may upload."""
    pid = stored_file.programme_id
    facts = _facts(pid)
    if stored_file.uploaded_by_id == user.id:
        candidates = facts["members"].get(user.id, set())
    else:
        candidates = facts["members"].get(stored_file.uploaded_by_id, set())
    return [gid for gid in sorted(candidates, key=lambda i: facts["names"].get(i, ""))
            if _may_upload(user, pid, gid)]


_MARK = 987654321


def _filing_actions(programme_id: int, groups: tuple[int, ...]) -> list[tuple[str, str]]:
    """The label and address (with ``{}`` for the file's id) of "File into …" for each
    folder of each of these groups; worked out once per request for a list of groups,
    however many files share it."""
    facts = _facts(programme_id)
    cache = facts.setdefault("actions", {})
    if groups not in cache:
        out = []
        for gid in groups:
            for folder in facts["folders"]:
                url = url_for("documents.file_into_folder", activity_id=folder.id, group_id=gid,
                              stored_file_id=_MARK).replace(str(_MARK), "{}")
                if len(groups) > 1:
                    label = _("File into “%(folder)s” of %(group)s", folder=folder.title,
                              group=facts["names"][gid])
                else:
                    label = _("File into “%(folder)s”", folder=folder.title)
                out.append((label, url))
        cache[groups] = out
    return cache[groups]


def actions_for(stored_file: Any, user: Any) -> list[FileAction]:
    """"File into …" actions for the group's mentor and managers, or a link to the copy
    already filed."""
    if (not getattr(user, "is_authenticated", False) or stored_file.programme_id is None
            or stored_file.plugin == PLUGIN):
        return []
    # whoever may upload into no group's folder (mentees) gets nothing: no query
    if not _may_upload(user, stored_file.programme_id, None):
        return []
    facts = _facts(stored_file.programme_id)
    if not facts["folders"]:
        return []
    groups = target_groups(stored_file, user)
    if not groups:
        return []
    filed = facts["filed"].get(stored_file.id)
    if filed is not None:
        activity_id, group_id, doc_id = filed
        if group_id in groups:
            url = url_for("documents.document", activity_id=activity_id, group_id=group_id,
                          doc_id=doc_id)
            return [FileAction(_("Filed in the group folder"), url, method="GET")]
    return [FileAction(label, url.format(stored_file.id))
            for label, url in _filing_actions(stored_file.programme_id, tuple(groups))]


def already_filed(stored_file: Any, group_id: int) -> Document | None:
    """The group's document already holding a copy of ``stored_file``, if any."""
    return db.session.scalar(
        db.select(Document).join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(Document.group_id == group_id, Document.deleted_at.is_(None),
               DocumentVersion.filed_from_file_id == stored_file.id).limit(1)
    )


def file_into(activity: Any, group: Any, stored_file: Any, user: Any) -> tuple[Document, bool]:
    """Copy ``stored_file`` into a new document of the group's folder.

    Returns the document and whether it is new (False when a copy was filed
    before). Raises ``FilingRefused`` for files ``user`` may not read, files from
    another programme, files of this plugin and files whose uploader is not in
    the group, and ``UploadError`` when the copy breaks a limit.
    """
    if stored_file.programme_id != activity.programme_id or stored_file.plugin == PLUGIN:
        raise FilingRefused
    if not can_read_file(user, stored_file):
        raise FilingRefused
    if stored_file.uploaded_by_id != user.id:
        member = db.session.get(GroupMember, (group.id, stored_file.uploaded_by_id or 0))
        if member is None:
            raise FilingRefused
    existing = already_filed(stored_file, group.id)
    if existing is not None:
        return existing, False
    try:
        data = read_bytes(stored_file)
    except FileNotFoundError:
        raise FilingRefused from None
    copy = store_bytes(data, stored_file.original_name, programme_id=activity.programme_id,
                       user=user)
    with committing([copy]):
        doc = new_document(activity, group.id, title=title_from_name(stored_file.original_name),
                           template=None, user=user)
        add_version(doc, copy, user, filed_from=stored_file)
        db.session.flush()
        emit("document_filed", actor=user, programme=activity.programme_id, group=group.id,
             obj=doc, data={"title": doc.title})
    return doc, True
