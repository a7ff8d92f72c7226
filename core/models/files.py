"""Metadata of files kept in the core file store."""

from __future__ import annotations

from core.extensions import db
from core.models.base import Timestamped


class StoredFile(Timestamped, db.Model):
    """A file in the store; its bytes live on disk under a generated key."""

    __tablename__ = "stored_file"

    id = db.Column(db.Integer, primary_key=True)
    storage_key = db.Column(db.String(80), nullable=False, unique=True)
    original_name = db.Column(db.String(255), nullable=False)
    content_type = db.Column(db.String(120), nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    plugin = db.Column(db.String(64), nullable=False, default="core")
    programme_id = db.Column(
        db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=True, index=True
    )
    uploaded_by_id = db.Column(
        db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True
    )

    uploaded_by = db.relationship("User")
    programme = db.relationship("Programme")
