"""Demo content of the monitoring plugin."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.extensions import db
from core.models import Activity
from plugins.monitoring.models import Goal, Outcome, SurveyPoint


def build(programme: Any, users: dict[str, Any]) -> None:
    """Add a diary, a questionnaire with three points, and outcomes with goals."""
    sections = users["sections"]
    initial, monitoring = sections["initial"], sections["monitoring"]
    db.session.add(Activity(
        section_id=initial.id, programme_id=programme.id, type="monitoring.diary",
        plugin="monitoring", title="Diary of each mentoring session", group_mode="separate",
        position=len(initial.activities) + 10,
        description_source="After each session, write what you did, what you learned and your "
                           "next step. Your group reads it.",
        description_html="<p>After each session, write what you did, what you learned and your "
                         "next step. Your group reads it.</p>",
    ))
    db.session.add(Activity(
        section_id=monitoring.id, programme_id=programme.id, type="monitoring.questionnaire",
        plugin="monitoring", title="How is our mentoring going? (relationship quality)",
        group_mode="shared", position=len(monitoring.activities) + 10,
    ))
    start = programme.starts_on or date.today()
    end = programme.ends_on or start + timedelta(days=120)
    middle = start + (end - start) / 2
    for label, opens, closes in (("Week 2", start + timedelta(days=7), start + timedelta(days=28)),
                                 ("Middle", middle, middle + timedelta(days=14)),
                                 ("End", end - timedelta(days=14), end + timedelta(days=14))):
        db.session.add(SurveyPoint(programme_id=programme.id, label=label, opens_on=opens,
                                   closes_on=closes))
    goals = {
        "mentee1": [("Finish my CV in Czech and English", 60), ("Apply for three jobs", 30)],
        "mentee2": [("Find a vocational course in logistics", 40)],
        "mentee3": [("Write a business idea for a bicycle repair service", 50)],
        "mentee4": [("Practise a job interview twice", 20)],
    }
    for key, items in goals.items():
        mentee = users[key]
        db.session.add(Outcome(programme_id=programme.id, mentee_id=mentee.id,
                               status_start="neither", recorded_by_id=users["mentor1"].id))
        for title, progress in items:
            db.session.add(Goal(programme_id=programme.id, mentee_id=mentee.id, title=title,
                                progress=progress))
