"""The employability session types, each with guidance for the mentor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import SessionType

GUIDANCE = {
    "skills": _l("Start from what the mentee enjoys and has already done, not from job "
                 "titles. Ask for examples and help name the skills behind them. End with "
                 "two or three fields of work worth exploring."),
    "cv": _l("Work on one real vacancy. Check that the profile matches it, that experience "
             "shows results and not only duties, and that the letter says why this "
             "employer. Comment on the worksheet instead of rewriting it."),
    "job_search": _l("Agree on realistic channels and a weekly amount of time. Turn the plan "
                     "into steps with dates and look at the applications list at every "
                     "later session."),
    "interview": _l("Play the employer. Use the questions the mentee prepared, then one "
                    "unexpected question. Give feedback on content, body language and "
                    "questions the mentee asks at the end."),
    "rights": _l("Go through the checklist together and look up what the mentee does not "
                 "know in the country's official sources. Talk about what is fair to expect "
                 "and where to get help."),
}


def session_types(schemas: list) -> list[SessionType]:
    """One session type per worksheet, named like it."""
    return [SessionType(name=s.name, plugin="employability", label=s.title,
                        category="employability", guidance=GUIDANCE[s.key],
                        worksheet_endpoint="employability.session_worksheet")
            for s in schemas]
