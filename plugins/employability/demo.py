"""Demo content: employability sessions in each group's plan, filled worksheets."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from core.sessions import services
from core.sessions.blueprint import local_now
from core.worksheets.records import add_comment, create_worksheet
from plugins.employability.models import EmployabilityWorksheet, EmployabilityWorksheetComment
from plugins.employability.schemas import CV, JOB_SEARCH, SKILLS

PLAN = [  # (worksheet, days from today, held?)
    (SKILLS, -6, True),
    (CV, 8, False),
    (JOB_SEARCH, 22, False),
]

SKILLS_ANSWERS = {
    "interests": "Cooking for my family and friends, football on Saturdays, fixing bikes.",
    "strengths": ["teamwork", "hands_on", "customers"],
    "skills": [
        {"skill": "Preparing food for large groups", "where": "Community kitchen volunteering",
         "level": "good"},
        {"skill": "Bicycle repair", "where": "Helping at my uncle's shop", "level": "good"},
        {"skill": "Arabic and English", "where": "Home and school", "level": "very_good"},
    ],
    "values": ["income", "people", "learning"],
    "fields": "Kitchen assistant or cook; bicycle mechanic; maybe a food stall one day.",
    "develop": "Food hygiene certificate, written Dutch.",
}

CV_DRAFT = {
    "target": "Kitchen assistant at a hotel restaurant",
    "profile": "Reliable and calm under pressure. Two years of cooking for up to 80 people "
               "as a volunteer. I like working in a team and want to train as a cook.",
    "experience": [{"period": "2024–2026", "role": "Volunteer cook",
                    "organisation": "Community kitchen", "tasks": "Weekly meals for 60–80"}],
    "education": [],
    "other_skills": "Arabic (native), English (good), Dutch (A2). Word, e-mail.",
    "letter": "",
    "questions": "Is my profile too short?",
}


def _when(days: int, hour: int = 16) -> datetime:
    return datetime.combine((local_now() + timedelta(days=days)).date(), time(hour, 0))


def build(programme: Any, users: dict[str, Any]) -> None:
    """Plan three employability sessions per demo group (the first already held)
    and fill the skills worksheet (commented) and a CV draft for the first mentee."""
    for group, mentor_key, mentee_key in zip(users.get("groups", []), ("mentor1", "mentor2"),
                                             ("mentee1", "mentee3"), strict=False):
        mentor, mentee = users[mentor_key], users[mentee_key]
        planned = {}
        for schema, days, held in PLAN:
            session = services.plan_session(
                group, schema.name, title=str(schema.title), actor=mentor,
                starts_at=_when(days), mode="face_to_face" if held else "online",
                location="" if held else "https://meet.example.org/mentoring-" + group.name[-1],
            )
            if held:
                statuses = {m.user_id: "present" for m in group.members}
                services.hold(session, statuses, "Good start; next time bring a job ad.", mentor)
            planned[schema.name] = session
        services.order_by_date(group)
        services.record_revision(group, mentor, "Employability sessions agreed with the mentees.")
        ws = create_worksheet(EmployabilityWorksheet, SKILLS, group, mentee, SKILLS_ANSWERS,
                              session=planned[SKILLS.name], submitted=True)
        add_comment(ws, EmployabilityWorksheetComment, mentor,
                    "Your kitchen experience is a real asset — put it first in your CV.",
                    field="skills")
        add_comment(ws, EmployabilityWorksheetComment, mentor,
                    "Well done. Let us look at two vacancies next time.")
        create_worksheet(EmployabilityWorksheet, CV, group, mentee, CV_DRAFT,
                         session=planned[CV.name])
