"""The relationship-quality questionnaire: ten Likert items over five dimensions.

The wording is this project's own. Each item is answered on a 1–5 scale
(1 = not at all true, 5 = completely true); a dimension's score is the mean of
its items and the overall score the mean of all ten.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SCALE = (1, 2, 3, 4, 5)

DIMENSIONS = {
    "trust": _l("Trust"),
    "support": _l("Support"),
    "communication": _l("Communication"),
    "goals": _l("Shared goals"),
    "growth": _l("My growth"),
}

ITEMS = [
    ("trust_1", "trust", _l("I can tell my mentor about things that worry me.")),
    ("trust_2", "trust", _l("My mentor keeps what I share private.")),
    ("support_1", "support", _l("My mentor helps me when I get stuck.")),
    ("support_2", "support", _l("I feel encouraged after our meetings.")),
    ("communication_1", "communication", _l("My mentor listens to me without judging.")),
    ("communication_2", "communication",
     _l("We agree on how and when to reach each other, and it works.")),
    ("goals_1", "goals", _l("We agree on what I want to achieve.")),
    ("goals_2", "goals", _l("Our sessions move me towards my goals for work or study.")),
    ("growth_1", "growth", _l("I have learned something I can use at work or in training.")),
    ("growth_2", "growth", _l("I am more confident about my next step than before.")),
]
ITEM_KEYS = [key for key, _dim, _text in ITEMS]


def score(answers: dict[str, int]) -> dict[str, float]:
    """Scores per dimension and ``overall`` from a complete set of answers."""
    by_dim: dict[str, list[int]] = {}
    for key, dim, _text in ITEMS:
        by_dim.setdefault(dim, []).append(int(answers[key]))
    result = {dim: round(sum(v) / len(v), 2) for dim, v in by_dim.items()}
    result["overall"] = round(sum(int(answers[k]) for k in ITEM_KEYS) / len(ITEM_KEYS), 2)
    return result
