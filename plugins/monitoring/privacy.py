"""What the monitoring plugin exports and erases for a user."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from plugins.monitoring.models import (
    Certificate,
    DiaryEntry,
    Goal,
    MonitoringReport,
    Outcome,
    SurveyAnswer,
)


def export(user: Any) -> dict[str, Any]:
    """The user's own monitoring records as JSON-able data."""
    q = db.session.scalars
    return {
        "diaries": [{"session_id": d.session_id, "what_we_did": d.what_we_did,
                     "what_i_learned": d.what_i_learned, "next_step": d.next_step,
                     "feeling": d.feeling, "notes": d.notes_source,
                     "created_at": d.created_at.isoformat()}
                    for d in q(db.select(DiaryEntry).where(DiaryEntry.author_id == user.id))],
        "reports_written": [{"session_id": r.session_id, "progress": r.progress_source,
                             "concerns": r.concerns_source}
                            for r in q(db.select(MonitoringReport)
                                       .where(MonitoringReport.author_id == user.id))],
        "questionnaire_answers": [{"point_id": a.point_id, "answers": a.answers,
                                   "overall": a.overall}
                                  for a in q(db.select(SurveyAnswer)
                                             .where(SurveyAnswer.mentee_id == user.id))],
        "outcomes": [{"programme_id": o.programme_id, "start": o.status_start,
                      "end": o.status_end, "competences": o.competences,
                      "completed": o.completed}
                     for o in q(db.select(Outcome).where(Outcome.mentee_id == user.id))],
        "goals": [{"title": g.title, "progress": g.progress}
                  for g in q(db.select(Goal).where(Goal.mentee_id == user.id))],
        "certificates": [{"code": c.code, "programme": c.programme_title,
                          "issued_at": c.issued_at.isoformat()}
                         for c in q(db.select(Certificate)
                                    .where(Certificate.mentee_id == user.id))],
    }


def erase(user: Any) -> None:
    """Delete personal answers, outcomes and goals; keep diaries and reports for the
    group, attributed to "deleted user"; withdraw certificates."""
    db.session.execute(db.delete(SurveyAnswer).where(SurveyAnswer.mentee_id == user.id))
    db.session.execute(db.delete(Goal).where(Goal.mentee_id == user.id))
    db.session.execute(db.delete(Outcome).where(Outcome.mentee_id == user.id))
    for cert in db.session.scalars(db.select(Certificate).where(Certificate.mentee_id == user.id)):
        cert.revoked = True
        cert.holder_name = "—"
        cert.mentee_id = None
