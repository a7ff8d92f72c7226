"""The employability plugin's tables: worksheets and the mentor's comments."""

from __future__ import annotations

from core.extensions import db
from core.worksheets.models import WorksheetCommentRecord, WorksheetRecord


class EmployabilityWorksheet(WorksheetRecord, db.Model):
    """A mentee's answers to an employability worksheet."""

    __tablename__ = "employability_worksheet"

    comments = db.relationship("EmployabilityWorksheetComment", back_populates="worksheet",
                               cascade="all, delete-orphan",
                               order_by="EmployabilityWorksheetComment.id")


class EmployabilityWorksheetComment(WorksheetCommentRecord, db.Model):
    """The mentor's comment on an employability worksheet."""

    __tablename__ = "employability_worksheet_comment"

    worksheet_id = db.Column(db.ForeignKey("employability_worksheet.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    worksheet = db.relationship("EmployabilityWorksheet", back_populates="comments")


MODELS = [EmployabilityWorksheet, EmployabilityWorksheetComment]
