"""Templates in a library, documents in group folders and their versions."""

from __future__ import annotations

from core.concurrency import Versioned
from core.extensions import db
from core.models.base import Timestamped, utcnow

FILLERS = ("manager", "mentor", "mentee")
SCAN_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


class DocTemplate(Versioned, Timestamped, db.Model):
    """A download-only template published in a library activity.

    ``folder`` is the upload-folder activity (toolbar) where filled-in copies
    belong; ``filled_by`` names the role that fills it in.
    """

    __tablename__ = "documents_template"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    activity_id = db.Column(
        db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = db.Column(db.String(200), nullable=False)
    description_source = db.Column(db.Text, nullable=False, default="")
    description_html = db.Column(db.Text, nullable=False, default="")
    filled_by = db.Column(db.String(16), nullable=False, default="mentor")
    mandatory = db.Column(db.Boolean, nullable=False, default=True)
    needs_signature = db.Column(db.Boolean, nullable=False, default=False)
    folder_id = db.Column(db.ForeignKey("activity.id", ondelete="SET NULL"), nullable=True)
    stored_file_id = db.Column(db.ForeignKey("stored_file.id"), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    activity = db.relationship("Activity", foreign_keys=[activity_id])
    folder = db.relationship("Activity", foreign_keys=[folder_id])
    file = db.relationship("StoredFile")
    created_by = db.relationship("User")

    @property
    def uploaded_by(self) -> str:
        """The role that uploads the filled-in copy: mentees hand theirs to the mentor."""
        return "manager" if self.filled_by == "manager" else "mentor"


class Document(Timestamped, db.Model):
    """A document kept in one group's space of an upload folder, with its versions.

    Deleting puts it in the trash (``deleted_at``); a manager can restore it.
    """

    __tablename__ = "documents_document"
    __table_args__ = (db.Index("ix_documents_document_folder_group", "activity_id", "group_id"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    activity_id = db.Column(db.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False)
    group_id = db.Column(
        db.ForeignKey("mentoring_group.id", ondelete="CASCADE"), nullable=False, index=True
    )
    template_id = db.Column(
        db.ForeignKey("documents_template.id", ondelete="SET NULL"), nullable=True, index=True
    )
    title = db.Column(db.String(200), nullable=False)
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    deleted_at = db.Column(db.DateTime, nullable=True)
    deleted_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    activity = db.relationship("Activity")
    group = db.relationship("MentoringGroup")
    template = db.relationship("DocTemplate")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    deleted_by = db.relationship("User", foreign_keys=[deleted_by_id])
    versions = db.relationship(
        "DocumentVersion", back_populates="document", order_by="DocumentVersion.number.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def current(self) -> DocumentVersion | None:
        """The newest version."""
        return self.versions[0] if self.versions else None

    @property
    def signed_version(self) -> DocumentVersion | None:
        """The newest version that counts as the signed copy, if the template needs one."""
        if self.template is None or not self.template.needs_signature:
            return None
        return next((v for v in self.versions if v.is_scan), None)


class DocumentVersion(db.Model):
    """One uploaded file of a document; re-uploading adds a version, never replaces."""

    __tablename__ = "documents_version"
    __table_args__ = (db.UniqueConstraint("document_id", "number"),)

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(
        db.ForeignKey("documents_document.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number = db.Column(db.Integer, nullable=False)
    stored_file_id = db.Column(db.ForeignKey("stored_file.id"), nullable=False, index=True)
    uploaded_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    note = db.Column(db.String(500), nullable=False, default="")
    filed_from_file_id = db.Column(
        db.ForeignKey("stored_file.id", ondelete="SET NULL"), nullable=True, index=True
    )
    filed_from_user_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    document = db.relationship("Document", back_populates="versions")
    file = db.relationship("StoredFile", foreign_keys=[stored_file_id])
    uploaded_by = db.relationship("User", foreign_keys=[uploaded_by_id])
    filed_from_user = db.relationship("User", foreign_keys=[filed_from_user_id])

    @property
    def is_scan(self) -> bool:
        """PDFs and images count as scanned (signed) copies."""
        return self.file is not None and self.file.content_type in SCAN_TYPES
