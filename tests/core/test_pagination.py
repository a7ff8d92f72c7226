"""``paginate(count_with_items=True)`` reads the total with the page's rows and agrees
with the plain pagination on every page, including one past the end."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import User
from core.views.helpers import paginate


@pytest.mark.parametrize("page", [1, 2, 3, 9])
def test_counted_pagination_agrees_with_the_plain_one(app, make, queries, page):
    for i in range(7):
        make.user(name=f"Person {i}")
    stmt = db.select(User.id).order_by(User.id)
    with app.test_request_context(f"/?page={page}"):
        plain = paginate(stmt, per_page=3)
        with queries() as q:
            counted = paginate(stmt, per_page=3, count_with_items=True)
        assert (counted.items, counted.total, counted.pages, counted.has_next) == \
            (plain.items, plain.total, plain.pages, plain.has_next)
        assert counted.total == 7
        # one statement for a page with rows; past the end the count is read apart
        assert q.count == (1 if counted.items else 2)


def test_counted_pagination_of_nothing(app, queries):
    with app.test_request_context("/"):
        counted = paginate(db.select(User.id).where(User.id < 0), count_with_items=True)
        assert counted.items == [] and counted.total == 0 and counted.pages == 0
