"""Explainable suggestions: the score is exactly the sum of the visible parts; the
ranking, visibility, the cohort run and confirming pairs in bulk."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from core.models import GroupMember
from plugins.matching.models import Pairing
from plugins.matching.services.profiles import viewer
from plugins.matching.services.suggest import WEIGHTS, Facts, Part, explain, for_mentee
from tests.plugins.matching.conftest import text


def test_score_is_the_sum_of_the_explained_parts_on_a_hand_built_fixture():
    mentee = Facts(1, seeks={10: "Programming", 11: "Sales", 12: "Teamwork"},
                   topics={"web development": "Web development", "cooking": "cooking"},
                   languages=frozenset({"en", "fi", "ar"}),
                   availability=frozenset({"weekends", "weekday_evenings"}))
    mentor = Facts(2, offers={10: ("Programming", 4), 12: ("Teamwork", 2), 13: ("Data", 3)},
                   topics={"web development": "web development", "cloud": "cloud"},
                   languages=frozenset({"en", "fi"}), availability=frozenset({"weekends"}))
    parts = explain(mentee, mentor)
    assert parts == [
        Part("competence", "Programming", 3, 4),
        Part("competence", "Teamwork", 3, 2),
        Part("topic", "web development", 2),
        Part("language", "en", 1),
        Part("language", "fi", 1),
        Part("availability", "weekends", 1),
    ]
    assert sum(p.weight for p in parts) == 11
    assert WEIGHTS == {"competence": 3, "topic": 2, "language": 1, "availability": 1}
    # nothing shared, nothing scored: no hidden base score
    assert explain(Facts(1), mentor) == []


@pytest.fixture
def cohort_world(world, make, mx):
    """Two mentors with offers and two unpaired mentees, with known overlaps."""
    prog = world["programme"]
    c = mx.competences(prog)
    dev = make.member(prog, "mentor", name="Dev Mentor")
    pm = make.member(prog, "mentor", name="PM Mentor")
    ana = make.member(prog, "mentee", name="Ana")
    ben = make.member(prog, "mentee", name="Ben")
    # availability is shown to the group by default; these mentors show it to everyone
    mx.profile(prog, dev, languages=["en", "fi"], availability=["weekends"],
               vis_availability="programme",
               competences={c["Programming"]: (4, False), c["Teamwork"]: (3, False)})
    mx.profile(prog, pm, languages=["en"], availability=["weekday_mornings"],
               vis_availability="programme",
               competences={c["Project management"]: (4, False), c["Teamwork"]: (4, False)})
    mx.offer(prog, dev, topics=["web development", "cloud"], capacity=1)
    mx.offer(prog, pm, topics=["project work"], capacity=1)
    # Ana: Programming + Teamwork sought, web development, en + fi, weekends -> Dev 3+3+2+1+1+1
    mx.profile(prog, ana, languages=["en", "fi"], availability=["weekends"],
               interests=["Web Development"],
               competences={c["Programming"]: (1, True), c["Teamwork"]: (2, True)})
    # Ben: Programming sought, en -> Dev 3+1 = 4; Teamwork sought -> PM 3+1 = 4
    mx.profile(prog, ben, languages=["en"],
               competences={c["Programming"]: (1, True), c["Teamwork"]: (1, True)})
    return {"dev": dev, "pm": pm, "ana": ana, "ben": ben, "programme": prog,
            "manager": world["manager"]}


def test_suggestions_for_a_mentee_rank_and_explain(cohort_world, login_as):
    w = cohort_world
    who = viewer(w["ana"], w["programme"].id)
    suggestions = for_mentee(w["programme"].id, w["ana"], who)
    assert [s.mentor.name for s in suggestions] == ["Dev Mentor", "PM Mentor"]
    best = suggestions[0]
    assert best.score == 11 == sum(p.weight for p in best.parts)
    assert [(p.kind, p.item) for p in best.parts] == [
        ("competence", "Programming"), ("competence", "Teamwork"),
        ("topic", "web development"), ("language", "en"), ("language", "fi"),
        ("availability", "weekends")]
    assert suggestions[1].score == 4  # Teamwork 3 + English 1
    # the page shows every part and a total equal to their sum
    page = text(login_as(w["ana"]).get(f"/p/{w['programme'].id}/matching/mentors"))
    tables = re.findall(r'<table class="matching-why">(.*?)</table>', page, re.S)
    assert len(tables) == 2
    for table in tables:
        points = [int(n) for n in re.findall(r"<td>(\d+)</td></tr>", table.split("<tfoot>")[0])]
        total = int(re.search(r"<tfoot>.*?<td>(\d+)</td>", table, re.S).group(1))
        assert total == sum(points)
    assert "(mentor&#39;s level: expert)" in page or "(mentor's level: expert)" in page


def test_suggestions_use_only_what_the_mentee_may_see(cohort_world, login_as):
    w = cohort_world
    db.session.execute(db.text("UPDATE matching_profile SET vis_languages = 'staff', "
                               f"vis_competences = 'group' WHERE user_id = {w['dev'].id}"))
    db.session.commit()
    who = viewer(w["ana"], w["programme"].id)
    best = next(s for s in for_mentee(w["programme"].id, w["ana"], who)
                if s.mentor.id == w["dev"].id)
    assert [p.kind for p in best.parts] == ["topic", "availability"]
    assert best.score == 3
    # the same pair seen by a manager keeps every part
    manager_view = viewer(w["manager"], w["programme"].id)
    assert max(s.score for s in for_mentee(w["programme"].id, w["ana"], manager_view)) == 11


def test_cohort_proposes_within_capacity_and_confirms_in_bulk(cohort_world, login_as, smtp):
    w = cohort_world
    pid = w["programme"].id
    client = login_as(w["manager"])
    page = text(client.get(f"/p/{pid}/matching/cohort"))
    # Dev has one place: Ana (11) gets Dev, Ben gets PM (4)
    proposed = re.findall(r'name="pair" value="(\d+):(\d+)"', page)
    assert {(int(a), int(b)) for a, b in proposed} == {(w["ana"].id, w["dev"].id),
                                                       (w["ben"].id, w["pm"].id)}
    # the already grouped mentees of the world have no profile and are listed as such
    assert "No profile yet" in page
    resp = client.post(f"/p/{pid}/matching/cohort", data={"pair": [
        f"{w['ana'].id}:{w['dev'].id}", f"{w['ben'].id}:{w['pm'].id}",
        f"{w['ben'].id}:{w['dev'].id}"]}, follow_redirects=True)
    body = text(resp)
    assert "2 pairs confirmed" in body and "no room left" in body
    pairs = {(p.mentee_id, p.mentor_id) for p in db.session.scalars(db.select(Pairing))}
    assert pairs == {(w["ana"].id, w["dev"].id), (w["ben"].id, w["pm"].id)}
    for pairing in db.session.scalars(db.select(Pairing)):
        assert db.session.get(GroupMember, (pairing.group_id, pairing.mentee_id)) is not None
    # both sides of each pair hear about it; the acting manager does not
    smtp.wait(4)
    assert len(smtp.messages) == 4
    assert "You are paired with Dev Mentor" in smtp.to(w["ana"].email)[0]["Subject"]
    # the paired mentees leave the cohort list
    page = text(client.get(f"/p/{pid}/matching/cohort"))
    assert "Ana<" not in page and "Ben<" not in page and 'name="pair"' not in page


@pytest.mark.parametrize("who,get,post", [("manager", 200, 302), ("mentor_a", 404, 404),
                                          ("mentee_a", 404, 404), ("outsider", 404, 404)])
def test_only_managers_run_the_cohort(world, login_as, who, get, post):
    pid = world["programme"].id
    client = login_as(world[who])
    assert client.get(f"/p/{pid}/matching/cohort").status_code == get
    pair = f"{world['mentee_a'].id}:{world['mentor_b'].id}"
    assert client.post(f"/p/{pid}/matching/cohort", data={"pair": pair}).status_code == post
    assert db.session.scalar(db.select(db.func.count()).select_from(Pairing)) == 0


@pytest.mark.parametrize("who,status", [("mentee_a", 200), ("mentor_a", 404),
                                        ("manager", 404), ("outsider", 404)])
def test_only_mentees_see_their_suggestions(world, login_as, who, status):
    pid = world["programme"].id
    assert login_as(world[who]).get(f"/p/{pid}/matching/mentors").status_code == status
