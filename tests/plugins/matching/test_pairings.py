"""The pairing life cycle: active, extended, completed, closed; after the end both
sides keep read-only access to what they shared."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from core.extensions import db
from plugins.matching.models import Pairing, PairingMessage
from plugins.matching.services.pairings import today
from tests.plugins.matching.conftest import pairing_url as base
from tests.plugins.matching.conftest import text


def share(client, world, p, body="Here is my CV", file=None):
    data = {"body": body}
    if file:
        data["attachment"] = file
    return client.post(base(world, p) + "/messages", data=data,
                       content_type="multipart/form-data")


def count_messages() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(PairingMessage))


def test_read_only_access_after_the_pairing_closes(world, pairing, login_as, smtp):
    mentee, mentor = login_as(world["mentee_a"]), login_as(world["mentor_a"])
    pdf = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "cv.pdf")
    assert share(mentee, world, pairing, "Here is my **CV**", pdf).status_code == 302
    assert share(mentor, world, pairing, "Thanks, looks good").status_code == 302
    message = db.session.scalar(db.select(PairingMessage).order_by(PairingMessage.id))
    # closing asks first, then ends the pairing for both
    assert "Close the pairing with Mentor A now?" in text(mentee.get(base(world, pairing)
                                                                    + "/end/closed"))
    assert mentee.post(base(world, pairing) + "/end/closed").status_code == 302
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).status == "closed"
    smtp.wait(1)
    assert "has ended" in smtp.to(world["mentor_a"].email)[0]["Subject"]
    assert smtp.to(world["mentee_a"].email) == []
    for client in (mentee, mentor):
        page = client.get(base(world, pairing))
        assert page.status_code == 200
        body = text(page)
        assert "<strong>CV</strong>" in body and "Thanks, looks good" in body
        assert "nothing new can be added" in body and 'name="body"' not in body
        file = client.get(base(world, pairing) + f"/files/{message.id}")
        assert file.status_code == 200 and file.data.startswith(b"%PDF")
        # writing is refused and stores nothing
        assert share(client, world, pairing, "one more thing").status_code == 403
    assert count_messages() == 2
    assert mentor.post(base(world, pairing) + "/end/completed").status_code == 404


def test_read_only_once_the_end_date_has_passed(world, pairing, login_as, app):
    pairing.ends_on = today() - timedelta(days=1)
    db.session.commit()
    client = login_as(world["mentee_a"])
    assert share(client, world, pairing).status_code == 403
    assert "ended, read-only" in text(client.get(base(world, pairing)))
    # the daily job records the completion
    result = app.test_cli_runner().invoke(args=["matching", "complete-ended"])
    assert "1 pairing(s) completed." in result.output
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).status == "completed"


def test_read_only_when_the_programme_is_over(world, pairing, login_as):
    world["programme"].ends_on = today() - timedelta(days=1)
    db.session.commit()
    assert share(login_as(world["mentor_a"]), world, pairing).status_code == 403
    world["programme"].ends_on = None
    world["programme"].status = "closed"
    db.session.commit()
    assert share(login_as(world["mentor_a"]), world, pairing).status_code == 403
    assert count_messages() == 0


def test_extending_moves_the_end_and_reopens(world, pairing, login_as):
    old_end = pairing.ends_on
    mentor = login_as(world["mentor_a"])
    assert login_as(world["mentee_a"]).post(base(world, pairing) + "/extend",
                                            data={"weeks": "4"}).status_code == 403
    assert mentor.post(base(world, pairing) + "/extend", data={"weeks": "4"}).status_code == 302
    db.session.expire_all()
    extended = db.session.get(Pairing, pairing.id)
    assert extended.status == "extended" and extended.ends_on == old_end + timedelta(weeks=4)
    mentor.post(base(world, pairing) + "/end/completed")
    assert share(mentor, world, pairing).status_code == 403
    # a manager may reopen a finished pairing; then both can write again
    login_as(world["manager"]).post(base(world, pairing) + "/extend", data={"weeks": "2"})
    assert share(mentor, world, pairing).status_code == 302


@pytest.mark.parametrize("who,read,write", [
    ("mentee_a", 200, 302), ("mentor_a", 200, 302), ("manager", 200, 403),
    ("mentee_a2", 404, 404), ("mentor_b", 404, 404), ("mentee_b", 404, 404),
    ("outsider", 404, 404),
])
def test_who_may_read_and_write_a_pairing(world, pairing, login_as, who, read, write):
    client = login_as(world[who])
    assert client.get(base(world, pairing)).status_code == read
    assert share(client, world, pairing).status_code == write


def test_group_page_lists_the_groups_pairings(world, pairing, login_as):
    body = text(login_as(world["mentee_a2"]).get(f"/groups/{world['group_a'].id}"))
    assert "Pairings in this group" in body and "Mentor A – Mentee A" in body
    assert f"/matching/pairings/{pairing.id}" not in body  # not one of the two sides
    body = text(login_as(world["mentee_a"]).get(f"/groups/{world['group_a'].id}"))
    assert f"/matching/pairings/{pairing.id}" in body
