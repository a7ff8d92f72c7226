"""The entrepreneurship session types, each with guidance for the mentor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.declarations import SessionType

GUIDANCE = {
    "idea": _l("Let the mentee explain the idea in their own words first. Ask who would "
               "pay for it and why, and what the mentee already knows about that. Agree on "
               "two or three first steps with dates."),
    "canvas": _l("Fill the canvas from the customers to the costs: segments, value, "
                 "channels and relationships, then revenue, then resources, activities, "
                 "partners and costs. Mark the guesses that need testing."),
    "market": _l("Send the mentee to talk to real potential customers before this session. "
                 "Compare competitors on price and offer, and write down what the research "
                 "changed."),
    "budget": _l("Check that every cost is there, including the mentee's own pay, and that "
                 "income is estimated from a realistic number of customers. Look at the "
                 "monthly result and how long the start-up costs take to earn back."),
    "pitch": _l("Time the pitch (two minutes). Give feedback on clarity, on the ask and on "
                "confidence, then let the mentee pitch again."),
}


def session_types(schemas: list) -> list[SessionType]:
    """One session type per worksheet, named like it."""
    return [SessionType(name=s.name, plugin="entrepreneurship", label=s.title,
                        category="entrepreneurship", guidance=GUIDANCE[s.key],
                        worksheet_endpoint="entrepreneurship.session_worksheet")
            for s in schemas]
