"""Speed-mentoring rounds: weekly topics, this week's topic on the dashboard and in the
discussion space, one-to-one conversations, and the end of the round."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.extensions import db
from plugins.matching.models import Conversation, ConversationMessage, Round, RoundPost
from plugins.matching.services import rounds as plan
from plugins.matching.services.pairings import today
from tests.plugins.matching.conftest import text

DEFAULT_TITLES = ["My expectations of speed mentoring", "The mentor's career story",
                  "Future skills and working life",
                  "What I have learned and where it shows at work", "Talk about your own field"]


def test_a_new_round_gets_the_pilot_topics(world, round_activity):
    rnd = db.session.scalar(db.select(Round))
    assert rnd.weeks == 5
    assert [w.topic for w in rnd.week_topics] == DEFAULT_TITLES
    assert all(w.guidance for w in rnd.week_topics)


def test_week_numbers():
    rnd = Round(starts_on=date(2026, 2, 1), weeks=2)
    assert plan.week_number(rnd, date(2026, 1, 31)) is None
    assert plan.week_number(rnd, date(2026, 2, 1)) == 1
    assert plan.week_number(rnd, date(2026, 2, 7)) == 1
    assert plan.week_number(rnd, date(2026, 2, 8)) == 2
    assert plan.week_number(rnd, date(2026, 2, 14)) == 2
    assert plan.week_number(rnd, date(2026, 2, 15)) is None


@pytest.mark.parametrize("who", ["mentee_a", "mentor_b", "manager"])
def test_this_weeks_topic_on_the_dashboard_and_in_the_space(world, round_activity, login_as,
                                                            who):
    client = login_as(world[who])
    dashboard = text(client.get("/dashboard"))
    assert "This week in speed mentoring" in dashboard
    assert "week 3 of 5" in dashboard and "Future skills and working life" in dashboard
    space = text(client.get(f"/matching/round/{round_activity.id}"))
    assert "This week (week 3 of 5): Future skills and working life" in space


def test_no_widget_outside_the_period(world, round_activity, login_as):
    db.session.scalar(db.select(Round)).starts_on = today() + timedelta(days=3)
    db.session.commit()
    assert "This week in speed mentoring" not in text(login_as(world["mentee_a"])
                                                      .get("/dashboard"))


def test_discussion_threads_and_replies(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}"
    mentee, mentor = login_as(world["mentee_a"]), login_as(world["mentor_b"])
    assert mentee.post(url + "/posts", data={"body": "Which skills matter?"}).status_code == 302
    thread = db.session.scalar(db.select(RoundPost))
    assert thread.week == 3 and thread.parent_id is None
    mentor.post(url + "/posts", data={"body": "Explaining things *simply*.",
                                      "parent": str(thread.id)})
    reply = db.session.scalar(db.select(RoundPost).order_by(RoundPost.id.desc()))
    mentee.post(url + "/posts", data={"body": "Thanks!", "parent": str(reply.id)})
    replies = db.session.scalars(db.select(RoundPost).where(RoundPost.parent_id.is_not(None)))
    assert {r.parent_id for r in replies} == {thread.id}  # replies stay one level deep
    page = text(login_as(world["mentee_b"]).get(url))
    assert "Which skills matter?" in page and "<em>simply</em>" in page
    assert "week 3: Future skills and working life" in page
    assert mentee.post(url + "/posts", data={"body": ""}).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(RoundPost)) == 3


def test_one_to_one_conversation_with_any_mentor(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}"
    mentee = login_as(world["mentee_a"])
    # a mentor of another group is fine: the round is programme-wide
    resp = mentee.post(f"{url}/mentors/{world['mentor_b'].id}/talk")
    assert resp.status_code == 302
    conversation = db.session.scalar(db.select(Conversation))
    assert mentee.post(f"{url}/mentors/{world['mentor_b'].id}/talk").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Conversation)) == 1
    c_url = f"{url}/c/{conversation.id}"
    mentee.post(c_url, data={"body": "How did you start?"})
    login_as(world["mentor_b"]).post(c_url, data={"body": "As a trainee."})
    assert "How did you start?" in text(login_as(world["mentor_b"]).get(c_url))
    for who in ("mentee_a2", "mentor_a", "manager", "outsider"):
        assert login_as(world[who]).get(c_url).status_code == 404
    # only mentors can be talked to
    assert mentee.post(f"{url}/mentors/{world['mentee_b'].id}/talk").status_code == 404
    assert db.session.scalar(db.select(db.func.count())
                             .select_from(ConversationMessage)) == 2


def test_after_the_round_everything_is_readable_but_closed(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}"
    mentee = login_as(world["mentee_a"])
    mentee.post(url + "/posts", data={"body": "Kept for later"})
    mentee.post(f"{url}/mentors/{world['mentor_b'].id}/talk")
    conversation = db.session.scalar(db.select(Conversation))
    mentee.post(f"{url}/c/{conversation.id}", data={"body": "Before the end"})
    db.session.scalar(db.select(Round)).starts_on = today() - timedelta(weeks=6)
    db.session.commit()
    page = text(mentee.get(url))
    assert "Kept for later" in page and "The round has ended" in page
    assert "Before the end" in text(mentee.get(f"{url}/c/{conversation.id}"))
    assert mentee.post(url + "/posts", data={"body": "Too late"}).status_code == 403
    assert mentee.post(f"{url}/c/{conversation.id}", data={"body": "Late"}).status_code == 403
    assert mentee.post(f"{url}/mentors/{world['mentor_a'].id}/talk").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(RoundPost)) == 1


def test_manager_sets_the_period_and_weekly_topics(world, round_activity, login_as):
    url = f"/matching/round/{round_activity.id}/plan"
    assert login_as(world["mentee_a"]).get(url).status_code == 404
    assert login_as(world["mentor_a"]).post(url, data={"weeks": "1"}).status_code == 404
    manager = login_as(world["manager"])
    form = text(manager.get(url))
    assert "Future skills and working life" in form
    data = {"starts_on": "2026-02-01", "weeks": "6"}
    for week in range(1, 6):
        data[f"topic_{week}"] = f"Topic {week}"
        data[f"guidance_{week}"] = ""
    assert manager.post(url, data=data).status_code == 302
    rnd = db.session.scalar(db.select(Round))
    db.session.refresh(rnd)
    assert rnd.starts_on == date(2026, 2, 1) and rnd.weeks == 6
    assert [w.topic for w in rnd.week_topics] == [f"Topic {n}" for n in range(1, 6)] + [""]
    data = {"starts_on": "2026-02-01", "weeks": "2", "topic_1": "A", "topic_2": "B"}
    manager.post(url, data=data)
    db.session.refresh(rnd)
    assert [w.topic for w in rnd.week_topics] == ["A", "B"]
    resp = manager.post(url, data={"starts_on": "", "weeks": "40"})
    assert resp.status_code == 200 and "Please correct the marked fields." in text(resp)


def test_round_pages_answer_404_when_the_plugin_is_disabled(world, round_activity, login_as,
                                                            app):
    from core.plugins import registry

    registry().set_enabled(world["programme"].id, "matching", False)
    client = login_as(world["mentee_a"])
    assert client.get(f"/matching/round/{round_activity.id}").status_code == 404
    assert client.get(f"/p/{world['programme'].id}/matching/people").status_code == 404
    dashboard = text(client.get("/dashboard"))
    assert "This week in speed mentoring" not in dashboard
    assert "/matching/people" not in text(client.get(f"/p/{world['programme'].id}"))


def test_dashboard_widgets_cost_the_same_for_one_and_many_rounds_and_requests(
        app, world, make, round_activity, login_as, queries, monkeypatch):
    from plugins.matching.models import Request

    prog = world["programme"]
    mentor, mentee = login_as(world["mentor_a"]), login_as(world["mentee_a"])

    def matching_statements(client) -> tuple[int, str]:
        with queries() as q:
            page = text(client.get("/dashboard"))
        return sum("matching_" in s for s in q.statements), page

    db.session.add(Request(programme_id=prog.id, mentee_id=world["mentee_a2"].id,
                           mentor_id=world["mentor_a"].id, motivation="Please"))
    db.session.commit()
    few = [matching_statements(c)[0] for c in (mentor, mentee)]
    section = make.section(prog, "More rounds")
    for i in range(4):
        activity = make.activity(prog, "matching.round", title=f"Round {i}", section=section)
        rnd = plan.create(activity)
        rnd.starts_on = today() - timedelta(weeks=i)
    for i in range(6):
        asker = make.member(prog, "mentee", name=f"Asker {i}")
        db.session.add(Request(programme_id=prog.id, mentee_id=asker.id,
                               mentor_id=world["mentor_a"].id, motivation="Please"))
    db.session.commit()
    many = []
    for c in (mentor, mentee):
        n, page = matching_statements(c)
        many.append(n)
        assert "Spring round" in page and "Round 3" in page
        assert "week 3 of 5" in page and "week 4 of 5" in page
    assert "asks you for mentoring" not in page  # the mentee's page
    assert "Asker 5 asks you for mentoring" in matching_statements(mentor)[1]
    assert few == many == [2, 2]
