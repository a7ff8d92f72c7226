"""The five entrepreneurship worksheets, one per session type."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from core.worksheets import Field, Schema
from core.worksheets.schema import as_decimal, column_totals

P = "entrepreneurship"
MAX_AMOUNT = Decimal("10000000")

IDEA = Schema(
    name=f"{P}.idea", plugin=P, title=_l("Business idea"),
    intro=_l("Describe your idea simply enough that a friend understands it in one "
             "minute."),
    fields=(
        Field("idea", _l("Your business idea"), required=True),
        Field("problem", _l("Which problem or wish of customers does it answer?"),
              required=True),
        Field("customers", _l("Who would buy it?")),
        Field("why_you", _l("Why you? Your experience, skills and contacts")),
        Field("first_steps", _l("First steps"), kind="table", columns=(
            Field("step", _l("Step"), kind="text", max_length=300),
            Field("by", _l("By when"), kind="date"),
        )),
        Field("risks", _l("What could go wrong, and what would you do then?")),
    ),
)

CANVAS_BLOCKS = (
    ("key_partners", _l("Key partners"),
     _l("Who helps you: suppliers, partners, people you rely on?")),
    ("key_activities", _l("Key activities"),
     _l("What must you do every week to deliver your offer?")),
    ("key_resources", _l("Key resources"),
     _l("What do you need: tools, space, money, skills, permits?")),
    ("value_propositions", _l("Value propositions"),
     _l("What do you offer, and why would customers choose it?")),
    ("customer_relationships", _l("Customer relationships"),
     _l("How do you win customers and keep them?")),
    ("channels", _l("Channels"),
     _l("How do customers hear of you, buy and receive what you sell?")),
    ("customer_segments", _l("Customer segments"),
     _l("For whom do you create value? Who are the most important customers?")),
    ("cost_structure", _l("Cost structure"),
     _l("What are the main costs of running the business?")),
    ("revenue_streams", _l("Revenue streams"),
     _l("What do customers pay for, how much and how?")),
)

CANVAS = Schema(
    name=f"{P}.canvas", plugin=P, title=_l("Business model canvas"),
    intro=_l("The nine blocks of a business model on one page. Write short notes in each "
             "block; your mentor comments block by block."),
    layout="canvas", stylesheet="canvas.css",
    fields=tuple(Field(name, label, help=help_, max_length=2000)
                 for name, label, help_ in CANVAS_BLOCKS),
)

MARKET = Schema(
    name=f"{P}.market", plugin=P, title=_l("Market research"),
    intro=_l("Check your idea against real customers and competitors before you spend "
             "money on it."),
    fields=(
        Field("customers", _l("Your customers: who, how many, where")),
        Field("competitors", _l("Competitors"), kind="table", columns=(
            Field("name", _l("Competitor"), kind="text", max_length=200),
            Field("offer", _l("What they offer"), kind="text", max_length=300),
            Field("price", _l("Price"), kind="number", minimum=Decimal(0), maximum=MAX_AMOUNT),
            Field("notes", _l("Strengths and weaknesses"), kind="text", max_length=300),
        )),
        Field("asked", _l("What did potential customers tell you?"),
              help=_l("Talk to at least five people who could be customers.")),
        Field("price", _l("The price you plan to ask"), kind="number", minimum=Decimal(0),
              maximum=MAX_AMOUNT),
        Field("conclusions", _l("Conclusions: what will you keep, change or test next?"),
              required=True),
    ),
)


def _amounts(label: Any) -> tuple[Field, Field]:
    return (Field("item", label, kind="text", max_length=200),
            Field("amount", _l("Amount"), kind="number", total=True, minimum=Decimal(0),
                  maximum=MAX_AMOUNT))


BUDGET_TABLES = ("start_costs", "income", "costs")


def budget_summary(data: dict[str, Any]) -> list[tuple[Any, Decimal]]:
    """Totals of the three tables, the monthly result and the months needed to earn
    back the start-up costs."""
    totals = {name: column_totals(BUDGET.field(name), data.get(name) or []).get("amount",
                                                                              Decimal(0))
              for name in BUDGET_TABLES}
    result = totals["income"] - totals["costs"]
    rows = [(_l("Start-up costs"), totals["start_costs"]),
            (_l("Income per month"), totals["income"]),
            (_l("Costs per month"), totals["costs"]),
            (_l("Result per month"), result)]
    if result > 0 and totals["start_costs"] > 0:
        months = (totals["start_costs"] / result).quantize(Decimal("0.1"))
        rows.append((_l("Months to earn back the start-up costs"), months))
    own = as_decimal(data.get("own_money"))
    if own is not None:
        rows.append((_l("Still to finance at the start"), max(totals["start_costs"] - own,
                                                               Decimal(0))))
    return rows


BUDGET = Schema(
    name=f"{P}.budget", plugin=P, title=_l("First budget"),
    intro=_l("What it costs to start, what comes in and goes out each month, and whether "
             "the business pays for itself. Amounts without currency signs; totals are "
             "computed when you save."),
    summary=budget_summary,
    fields=(
        Field("start_costs", _l("Start-up costs (once)"), kind="table", min_rows=4,
              columns=_amounts(_l("Item, e.g. tools, registration, first stock"))),
        Field("income", _l("Income per month"), kind="table", min_rows=3,
              columns=_amounts(_l("Source, e.g. sales, services"))),
        Field("costs", _l("Costs per month"), kind="table", min_rows=4,
              columns=_amounts(_l("Cost, e.g. rent, materials, insurance, your own pay"))),
        Field("own_money", _l("Your own money you can put in"), kind="number",
              minimum=Decimal(0), maximum=MAX_AMOUNT),
        Field("notes", _l("Assumptions and questions")),
    ),
)

PITCH = Schema(
    name=f"{P}.pitch", plugin=P, title=_l("Pitch"),
    intro=_l("Present your business in two minutes to a customer, a partner or a lender."),
    fields=(
        Field("one_sentence", _l("Your business in one sentence"), kind="text",
              max_length=250, required=True),
        Field("audience", _l("To whom will you pitch?"), kind="text", max_length=300),
        Field("pitch", _l("Your pitch"), required=True, max_length=6000,
              help=_l("The problem, your solution, your customers, why you, and what you "
                      "ask for.")),
        Field("ask", _l("What do you ask your audience for?"), kind="text", max_length=300),
        Field("feedback", _l("Feedback you received after practising")),
        Field("next_version", _l("What you will change in the next version")),
    ),
)

SCHEMAS = [IDEA, CANVAS, MARKET, BUDGET, PITCH]
