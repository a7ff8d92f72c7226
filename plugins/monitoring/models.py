"""Monitoring data: diaries, monitoring reports, questionnaire answers, outcomes,
goals and certificates."""

from __future__ import annotations

from core.concurrency import Versioned
from core.extensions import db
from core.models import utcnow

OUTCOME_STATUSES = ("in_work", "in_education", "neither", "other")


class DiaryEntry(Versioned, db.Model):
    """A mentee's diary of one held session, shared with the group."""

    __tablename__ = "monitoring_diary"
    __table_args__ = (db.UniqueConstraint("session_id", "author_id"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    session_id = db.Column(db.ForeignKey("mentoring_session.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    what_we_did = db.Column(db.Text, nullable=False, default="")
    what_i_learned = db.Column(db.Text, nullable=False, default="")
    next_step = db.Column(db.Text, nullable=False, default="")
    feeling = db.Column(db.Integer, nullable=False, default=3)
    notes_source = db.Column(db.Text, nullable=False, default="")
    notes_html = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User")


class MonitoringReport(Versioned, db.Model):
    """The mentor's report of a monitoring session."""

    __tablename__ = "monitoring_report"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    session_id = db.Column(db.ForeignKey("mentoring_session.id", ondelete="CASCADE"),
                           nullable=False, unique=True)
    author_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    progress_source = db.Column(db.Text, nullable=False, default="")
    progress_html = db.Column(db.Text, nullable=False, default="")
    attendance_note = db.Column(db.Text, nullable=False, default="")
    concerns_source = db.Column(db.Text, nullable=False, default="")
    concerns_html = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User")


class SurveyPoint(db.Model):
    """A point at which mentees answer the questionnaire (e.g. week 2, middle, end)."""

    __tablename__ = "monitoring_survey_point"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    label = db.Column(db.String(120), nullable=False)
    opens_on = db.Column(db.Date, nullable=False)
    closes_on = db.Column(db.Date, nullable=True)


class SurveyAnswer(db.Model):
    """One mentee's answers at one point; only managers see individual answers."""

    __tablename__ = "monitoring_survey_answer"
    __table_args__ = (db.UniqueConstraint("point_id", "mentee_id"),)

    id = db.Column(db.Integer, primary_key=True)
    point_id = db.Column(db.ForeignKey("monitoring_survey_point.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    group_id = db.Column(db.ForeignKey("mentoring_group.id", ondelete="SET NULL"), nullable=True,
                         index=True)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    answers = db.Column(db.JSON, nullable=False, default=dict)
    overall = db.Column(db.Float, nullable=False)
    submitted_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    point = db.relationship("SurveyPoint")
    mentee = db.relationship("User")


class Outcome(db.Model):
    """A mentee's status at the start and end of the programme, recorded by the mentor."""

    __tablename__ = "monitoring_outcome"
    __table_args__ = (db.UniqueConstraint("programme_id", "mentee_id"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    status_start = db.Column(db.String(16), nullable=True)
    status_end = db.Column(db.String(16), nullable=True)
    competences = db.Column(db.Text, nullable=False, default="")
    completed = db.Column(db.Boolean, nullable=False, default=False)
    recorded_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    mentee = db.relationship("User", foreign_keys=[mentee_id])


class Goal(db.Model):
    """A mentee's personal goal with its progress (0–100 %)."""

    __tablename__ = "monitoring_goal"

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    title = db.Column(db.String(200), nullable=False)
    progress = db.Column(db.Integer, nullable=False, default=0)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Certificate(db.Model):
    """A certificate of participation, verifiable by its code."""

    __tablename__ = "monitoring_certificate"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    programme_id = db.Column(db.ForeignKey("programme.id", ondelete="CASCADE"), nullable=False)
    mentee_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                          index=True)
    holder_name = db.Column(db.String(120), nullable=False)
    programme_title = db.Column(db.String(200), nullable=False)
    sessions = db.Column(db.JSON, nullable=False, default=list)
    competences = db.Column(db.JSON, nullable=False, default=list)
    issued_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    issued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked = db.Column(db.Boolean, nullable=False, default=False)


MODELS = [DiaryEntry, MonitoringReport, SurveyPoint, SurveyAnswer, Outcome, Goal, Certificate]
