"""Documents: download-only templates and group upload folders with versions and checklists.

Managers publish templates (who fills each in, whether it is mandatory or needs
signatures, which group toolbar the filled-in copy belongs in); managers and
mentors upload each group's documents into folders; checklists, a programme
overview and a dashboard widget show what is missing. Attachments shown
elsewhere (forum) can be filed into a group's folder through ``file_actions``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import EventType
from core.hookspecs import hookimpl

ALL = frozenset({"manager", "mentor", "mentee"})
STAFF = frozenset({"manager", "mentor"})
MANAGER = frozenset({"manager"})


@hookimpl
def register_models():
    """The template, document and version tables."""
    from plugins.documents.models import DocTemplate, Document, DocumentVersion

    return [DocTemplate, Document, DocumentVersion]


@hookimpl
def register_blueprints():
    """The library, folder, checklist and filing pages."""
    from plugins.documents.views import bp

    return [bp]


@hookimpl
def register_capabilities():
    """Who may see, publish, upload, delete and restore documents."""
    from core.declarations import Capability

    return [
        Capability("documents.view", _l("See the template library, the document guide and "
                                        "the folders of one's own groups"), ALL, "group"),
        Capability("documents.manage_templates", _l("Publish, edit and remove templates"),
                   MANAGER),
        Capability("documents.upload", _l("Upload documents to a group's folder and file "
                                          "attachments into it"), STAFF, "group", writes=True),
        Capability("documents.delete", _l("Move a group's documents to the trash"), STAFF,
                   "group", writes=True),
        Capability("documents.restore", _l("See a group's trash and restore documents"),
                   MANAGER, "group"),
        Capability("documents.purge", _l("Delete documents in the trash for good"), MANAGER,
                   "group"),
        Capability("documents.overview", _l("See every group's document checklist"), MANAGER),
    ]


@hookimpl
def register_activity_types():
    """The template library (shared) and the upload folder (separate per group)."""
    from core.declarations import ActivityType

    return [
        ActivityType(
            name="documents.library", plugin="documents", label=_l("Template library"),
            endpoint="documents.library", group_modes=("shared",),
            description=_l("Download-only templates, with who fills each in and where the "
                           "filled-in copy goes."),
        ),
        ActivityType(
            name="documents.folder", plugin="documents", label=_l("Upload folder"),
            endpoint="documents.folder", group_modes=("separate",),
            description=_l("Each group's filled-in and signed documents, uploaded by the "
                           "manager and the mentor, with versions and a trash."),
        ),
    ]


@hookimpl
def register_settings():
    """File size limit (the upload rate and quotas are the file store's, for the site)."""
    from core.declarations import Setting

    return [
        Setting("max_file_mb", "documents", _l("Largest document (MB)"), 20, int),
    ]


@hookimpl
def register_cli():
    """``ementoring documents install-defaults``."""
    from plugins.documents.cli import documents_cli

    return [documents_cli]


@hookimpl
def register_events():
    """Phrases for the plugin's events in "what is new"."""
    return [
        EventType("template_published", _l("published a template"), ("title",)),
        EventType("templates_installed", _l("installed the default templates"), ("count",)),
        EventType("document_uploaded", _l("uploaded a document"), ("title", "version")),
        EventType("document_filed", _l("filed a document into a group folder"), ("title",)),
        EventType("document_deleted", _l("moved a document to the trash"), ("title",)),
        EventType("document_restored", _l("restored a document"), ("title",)),
    ]


@hookimpl
def nav_items(programme, user):
    """A "Documents" link to the document guide."""
    from plugins.documents.services.widgets import nav

    return nav(programme, user)


@hookimpl
def dashboard_widgets(programmes, user):
    """Missing mandatory documents of the user's groups, in each programme."""
    from plugins.documents.services.widgets import dashboard

    return dashboard(programmes, user)


@hookimpl
def file_actions(stored_file, user):
    """"File into …" for the mentor and managers of the uploader's group."""
    from plugins.documents.services.filing import actions_for

    return actions_for(stored_file, user)


@hookimpl
def group_summary(groups):
    """Mandatory, complete and missing document counts per group."""
    from plugins.documents.services.checklist import summary

    groups = list(groups)
    out: dict = {}
    by_programme: dict = {}
    for group in groups:
        by_programme.setdefault(group.programme_id, []).append(group)
    for pid, members in by_programme.items():
        out.update(summary(pid, members))
    return out


@hookimpl
def slot_group_page(group, user):
    """How many mandatory documents the group has, and which are missing."""
    from plugins.documents.services.widgets import group_block

    return group_block(group, user)


@hookimpl
def on_event(event):
    """Remove the files of folders and libraries whose group or activity was deleted."""
    if event.name == "group_deleted" or (
            event.name == "activity_deleted" and (event.data or {}).get("plugin") == "documents"):
        from plugins.documents.services.cleanup import remove_orphans

        remove_orphans()


@hookimpl
def export_user_data(user):
    """Templates the user published, versions they uploaded or sent in, with the files."""
    from plugins.documents.services.privacy import export

    return export(user)


@hookimpl
def erase_user_data(user):
    """Keep everything: group documents are records the programme needs.

    Versions and templates keep pointing at the anonymised account, which the
    pages show as "deleted user"; the core removes the person's name and e-mail.
    """
    return None


@hookimpl
def demo_data(programme, users):
    """The template library with the default set, both group toolbars, sample documents."""
    from plugins.documents.services.demo import build

    build(programme, users)
