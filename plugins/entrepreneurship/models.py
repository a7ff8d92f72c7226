"""The entrepreneurship plugin's tables: worksheets and the mentor's comments."""

from __future__ import annotations

from core.extensions import db
from core.worksheets.models import WorksheetCommentRecord, WorksheetRecord


class EntrepreneurshipWorksheet(WorksheetRecord, db.Model):
    """A mentee's answers to an entrepreneurship worksheet."""

    __tablename__ = "entrepreneurship_worksheet"

    comments = db.relationship("EntrepreneurshipWorksheetComment", back_populates="worksheet",
                               cascade="all, delete-orphan",
                               order_by="EntrepreneurshipWorksheetComment.id")


class EntrepreneurshipWorksheetComment(WorksheetCommentRecord, db.Model):
    """The mentor's comment on an entrepreneurship worksheet."""

    __tablename__ = "entrepreneurship_worksheet_comment"

    worksheet_id = db.Column(db.ForeignKey("entrepreneurship_worksheet.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    worksheet = db.relationship("EntrepreneurshipWorksheet", back_populates="comments")


MODELS = [EntrepreneurshipWorksheet, EntrepreneurshipWorksheetComment]
