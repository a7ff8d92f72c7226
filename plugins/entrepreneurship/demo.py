"""Demo content: entrepreneurship sessions in each group's plan, a canvas and a budget."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from core.sessions import services
from core.sessions.blueprint import local_now
from core.worksheets.records import add_comment, create_worksheet
from plugins.entrepreneurship.models import (
    EntrepreneurshipWorksheet,
    EntrepreneurshipWorksheetComment,
)
from plugins.entrepreneurship.schemas import BUDGET, CANVAS, IDEA

PLAN = [(IDEA, 15), (CANVAS, 29), (BUDGET, 43)]  # (worksheet, days from today)

CANVAS_ANSWERS = {
    "key_partners": "Bakery that sells day-old bread cheaply; the community centre kitchen.",
    "key_activities": "Cooking twice a week, delivering lunches, taking orders by phone.",
    "key_resources": "Food hygiene certificate, cargo bike, rented kitchen hours.",
    "value_propositions": "Home-style lunches at fair prices, delivered by bike within "
                          "30 minutes.",
    "customer_relationships": "Weekly menu by message; a loyalty card (10th lunch free).",
    "channels": "Neighbourhood messaging group, flyers at offices, word of mouth.",
    "customer_segments": "Small offices and shops in the district; elderly neighbours.",
    "cost_structure": "Ingredients, kitchen rent, packaging, bike maintenance.",
    "revenue_streams": "",
}

BUDGET_ANSWERS = {
    "start_costs": [{"item": "Cargo bike (second hand)", "amount": "900.00"},
                    {"item": "Hygiene course", "amount": "150.00"},
                    {"item": "Boxes and first stock", "amount": "250.00"}],
    "income": [{"item": "Lunches: 12 a day, 4 days, 6.50 each", "amount": "1248.00"}],
    "costs": [{"item": "Ingredients", "amount": "520.00"},
              {"item": "Kitchen rent", "amount": "200.00"},
              {"item": "Packaging", "amount": "90.00"}],
    "own_money": "600.00",
    "notes": "Is 12 lunches a day realistic in the first months?",
}


def build(programme: Any, users: dict[str, Any]) -> None:
    """Plan three entrepreneurship sessions per demo group; the first group's
    mentee has drafted a canvas (commented) and a first budget."""
    for index, group in enumerate(users.get("groups", [])):
        mentor = users["mentor1" if index == 0 else "mentor2"]
        planned = {}
        for schema, days in PLAN:
            day = (local_now() + timedelta(days=days)).date()
            planned[schema.name] = services.plan_session(
                group, schema.name, title=str(schema.title), actor=mentor,
                starts_at=datetime.combine(day, time(17, 0)), mode="blended",
                location="Community centre, room 2",
            )
        services.order_by_date(group)
        services.record_revision(group, mentor,
                                 "Entrepreneurship sessions added for the business idea.")
        if index == 0:
            mentee = users["mentee1"]
            canvas = create_worksheet(EntrepreneurshipWorksheet, CANVAS, group, mentee,
                                      CANVAS_ANSWERS, session=planned[CANVAS.name],
                                      submitted=True)
            add_comment(canvas, EntrepreneurshipWorksheetComment, mentor,
                        "How many lunches must you sell a week to cover the costs?",
                        field="revenue_streams")
            create_worksheet(EntrepreneurshipWorksheet, BUDGET, group, mentee, BUDGET_ANSWERS,
                             session=planned[BUDGET.name])
